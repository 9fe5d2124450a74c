// Runs the built server (dist/, what users install) in its own process for benchmarks, so its
// memory is its own and no TypeScript loader runs in it. Prints the URL on stdout, then stops
// gracefully on SIGTERM or SIGINT.
// Usage: node serve-dist.mjs <config.json>
import { register } from 'node:module'

register('./dist-resolve.mjs', import.meta.url)
const { createLogger, loadConfig, startServer } = await import('../dist/index.js')

const { config } = loadConfig({ file: process.argv[2], env: process.env })
const server = await startServer({ config, logger: createLogger({ destination: { write() {} } }) })
process.stdout.write(`${server.url}\n`)
// Ctrl-C reaches this process too (the benchmark's process group): stop the agents either way.
let closing = false
const stop = async () => {
  if (closing) return
  closing = true
  await server.close()
  process.exit(0)
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
