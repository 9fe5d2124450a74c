import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { hasAgentSecret, refuseWithoutSecret } from '../agent-guard/contract.ts'
import { Conversation } from './conversation.ts'
import { Cors } from './cors.ts'
import { EventHub } from './events.ts'
import { HostCheck } from './host-check.ts'
import type { EchoAgentOptions } from './options.ts'
import { dispatch, type Routes } from './router.ts'
import { apiRoutes } from './routes.ts'
import { resolveSettings, type Settings } from './settings.ts'
import { Uploads } from './uploads.ts'
import { WriteLock } from './write-lock.ts'

/** A running echo agent. */
export interface EchoAgent {
  /** `http://127.0.0.1:<port>`: a base URL whose Host passes agentapi's default Host check. */
  url: string
  /** The port actually bound (useful with `port: 0`). */
  port: number
  /** Ends every event stream, stops listening and removes the upload directory. Idempotent. */
  close(): Promise<void>
  /** Settles once the agent has stopped: after `close()`, or after the agent exited (`/exit`). */
  closed: Promise<void>
}

// agentapi gives in-flight requests 5 s to finish when it shuts down.
const SHUTDOWN_GRACE_MS = 5000
const IDLE_SWEEP_MS = 25

/**
 * Starts an agentapi-compatible server running the echo agent. Throws agentapi's start-up errors
 * (an invalid agent type, allow-list or port) before listening.
 *
 * @example
 * const agent = await startEchoAgent({ port: 0, type: 'claude', delayMs: 20 })
 * await fetch(`${agent.url}/status`) // {"$schema":…,"status":"running","agent_type":"claude",…}
 * await agent.close()
 */
export async function startEchoAgent(options: EchoAgentOptions = {}): Promise<EchoAgent> {
  const settings = resolveSettings(options)
  const { log } = settings
  log('INFO', `Allowed hosts: ${settings.allowedHosts.join(', ')}`)
  log('INFO', `Allowed origins: ${settings.allowedOrigins.join(', ')}`)
  const uploads = await Uploads.create()
  log('INFO', 'Created temporary directory for uploads', { tempDir: uploads.directory })
  let stop: () => Promise<void> = async () => {}
  const conversation = new Conversation({
    ...settings,
    onEvent: (event) => (event.type === 'exit' ? void stop() : hub.publish(event)),
    onInitialPromptSent: () => log('INFO', 'Initial prompt sent successfully'),
  })
  const hub = new EventHub(conversation, settings.agentType)
  const routes = apiRoutes({ settings, conversation, hub, uploads, lock: new WriteLock() })
  const server = createServer(handler(settings, routes, options.secret))
  const sockets = new SocketActivity(server)
  await listen(server, settings.port, options.host).catch(async (error: unknown) => {
    await uploads.dispose()
    throw error
  })
  const { port } = server.address() as AddressInfo
  log('INFO', 'Starting server on port', { port })
  conversation.start()
  let stopping: Promise<void> | undefined
  stop = () => {
    stopping ??= shutdown(server, sockets, () => {
      conversation.stop()
      hub.closeAll()
    }).finally(async () => {
      await uploads.dispose()
      log('INFO', 'Cleaned up temporary directory', { tempDir: uploads.directory })
    })
    return stopping
  }
  const closed = new Promise<void>((resolve) => server.once('close', resolve))
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => stop(),
    closed: closed.then(() => stopping),
  }
}

/**
 * The proxy's secret (when it set one), then agentapi's middleware order: Host check, CORS,
 * routing. The secret comes first so a caller without it learns nothing, not even the hosts.
 */
function handler(settings: Settings, routes: Routes, secret: string | undefined) {
  const hostCheck = new HostCheck(settings.allowedHosts)
  const cors = new Cors(settings.allowedOrigins)
  return (req: IncomingMessage, res: ServerResponse) => {
    if (secret !== undefined && !hasAgentSecret(req.headers, secret))
      return refuseWithoutSecret(res)
    if (!hostCheck.allows(req.headers.host)) return hostCheck.reject(res)
    if (cors.handle(req, res)) return
    void dispatch(routes, req, res)
  }
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const reason = BIND_ERRORS[error.code ?? ''] ?? error.message
      reject(
        new Error(`failed to start server: listen tcp ${host ?? ''}:${port}: ${reason}`, {
          cause: error,
        }),
      )
    }
    server.once('error', fail)
    // No host: like agentapi's ":<port>", every interface. The proxy names loopback.
    server.listen({ port, ...(host ? { host } : {}) }, () => {
      server.off('error', fail)
      resolve()
    })
  })
}

// Go's wording for the usual listen failures.
const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: 'bind: address already in use',
  EACCES: 'bind: permission denied',
}

async function shutdown(
  server: Server,
  sockets: SocketActivity,
  endStreams: () => void,
): Promise<void> {
  endStreams()
  const closing = new Promise<void>((resolve) => server.close(() => resolve()))
  // close() drops only the connections idle at that moment. A stream that just ended is busy
  // until its end is flushed, and a client's fresh connection with no request yet (undici opens
  // them ahead) is not counted as idle at all: either held DELETE for the whole grace period.
  const sweep = setInterval(() => sockets.destroyIdle(), IDLE_SWEEP_MS)
  sockets.destroyIdle()
  const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS)
  await closing
  clearInterval(sweep)
  clearTimeout(grace)
}

/** Which connections are serving a request right now. */
class SocketActivity {
  #busy = new Map<Socket, number>()

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.#busy.set(socket, 0)
      socket.once('close', () => this.#busy.delete(socket))
    })
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket
      this.#busy.set(socket, (this.#busy.get(socket) ?? 0) + 1)
      res.once('close', () => {
        if (this.#busy.has(socket)) this.#busy.set(socket, (this.#busy.get(socket) ?? 1) - 1)
      })
    })
  }

  destroyIdle(): void {
    for (const [socket, requests] of this.#busy) if (requests === 0) socket.destroy()
  }
}
