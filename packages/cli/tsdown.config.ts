import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: { main: 'src/main.ts', index: 'src/index.ts' },
  format: 'esm',
  platform: 'node',
  dts: true,
  fixedExtension: false,
})
