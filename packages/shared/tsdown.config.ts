import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: { index: 'src/index.ts', 'routes/index': 'src/routes/index.ts' },
  format: 'esm',
  platform: 'neutral',
  dts: true,
  fixedExtension: false,
})
