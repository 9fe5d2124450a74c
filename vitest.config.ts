import { defineConfig } from 'vitest/config'

// One run covers every workspace package; each keeps its tests beside its sources.
export default defineConfig({ test: { projects: ['packages/*', 'apps/*', 'tests/*'] } })
