// The forwarder as production composes it — one node:http server whose listener sends session
// paths to the forwarder and everything else to the Hono API, auth off — in its own process so
// the benchmark reads its RSS alone. One session, <id>, points at <agent url>.
// Usage: node --import tsx proxy-server.ts <agent url> <session id>
// Prints its URL on stdout; stops on SIGTERM.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { ANONYMOUS_ADMIN } from '../src/auth/principal.ts'
import { createLogger } from '../src/logger.ts'
import { createForwarder, createRequestListener } from '../src/proxy/index.ts'

const [agentUrl, sessionId] = process.argv.slice(2)
if (!agentUrl || !sessionId) throw new Error('usage: proxy-server.ts <agent url> <session id>')

const logger = createLogger({ destination: { write() {} } })
const target = { url: agentUrl, ownerId: ANONYMOUS_ADMIN.user_id, status: 'active' as const }
const directory = {
  lookup: (id: string) => (id === sessionId ? target : undefined),
  touch() {},
  reportAgentGone() {},
}
// Session paths never reach the API, so a stand-in Hono app is as good as the real one here
// and keeps this benchmark independent of how the API is wired.
const app = new Hono().get('/health', (c) => c.json({ status: 'ok' }))
const forwarder = createForwarder({
  directory,
  authenticate: async () => ANONYMOUS_ADMIN,
  logger,
  cors: { allowedOrigins: [] },
})
const server = createServer(
  createRequestListener({ forwarder, api: getRequestListener(app.fetch) }),
)
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`http://127.0.0.1:${port}\n`)
})
process.once('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  void forwarder.close().then(() => process.exit(0))
})
