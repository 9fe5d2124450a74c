import { defineConfig } from 'vitest/config'

// One run covers every workspace package; each package keeps its tests beside its sources.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tests/*'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
