// Bundles `createClient` for the browser as an application would (minified ESM, tree-shaken),
// gzips it and prints the size: `pnpm --filter @agentapi-proxy/client bundle-size`.
// Exits 1 above the budget, so a change that drags in zod or Hono is noticed.
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const BUDGET_BYTES = 15 * 1024

const result = await build({
  stdin: {
    contents: "export { createClient, ApiError } from './src/index.ts'",
    resolveDir: fileURLToPath(new URL('..', import.meta.url)),
    loader: 'ts',
  },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  metafile: true,
})

const code = result.outputFiles[0]?.contents ?? new Uint8Array()
const gzipped = gzipSync(code, { level: 9 }).byteLength
const inputs = Object.keys(result.metafile.inputs)
const packages = new Set(
  inputs.map((input) => input.match(/.*node_modules\/((@[^/]+\/)?[^/]+)/)?.[1]),
)
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

console.log(`createClient for the browser: ${kb(code.byteLength)} minified, ${kb(gzipped)} gzipped`)
console.log(`  ${inputs.length} modules; packages: ${[...packages].filter(Boolean).join(', ')}`)
if (packages.has('zod') || packages.has('hono') || packages.has('@hono/zod-openapi')) {
  console.error('  the bundle contains zod or Hono: import only types from @agentapi-proxy/shared')
  process.exitCode = 1
}
if (gzipped > BUDGET_BYTES) {
  console.error(`  over the ${kb(BUDGET_BYTES)} budget`)
  process.exitCode = 1
}
