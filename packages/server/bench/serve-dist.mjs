// Runs the built server (dist/, what users install) in its own process for benchmarks, so its
// memory is its own and no TypeScript loader runs in it. Prints the URL on stdout, then stops
// gracefully on SIGTERM, and on SIGINT: Ctrl-C reaches it too (the benchmark's process group),
// and its agents run in their own groups, so only its own shutdown stops them.
// Usage: node serve-dist.mjs <config.json>
import { register } from 'node:module'

register('./dist-resolve.mjs', import.meta.url)
const { createLogger, loadConfig, startServer } = await import('../dist/index.js')

const { config } = loadConfig({ file: process.argv[2], env: process.env })
const server = await startServer({ config, logger: createLogger({ destination: { write() {} } }) })
process.stdout.write(`${server.url}\n`)
let closing = false
const close = async () => {
  if (closing) return
  closing = true
  await server.close()
  process.exit(0)
}
process.on('SIGTERM', close)
process.on('SIGINT', close)
