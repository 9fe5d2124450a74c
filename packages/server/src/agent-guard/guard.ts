import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { AGENT_SECRET_HEADER, hasAgentSecret, refuseWithoutSecret } from './contract.ts'

/** Where the guard listens, what it demands, and the agent it stands in front of. */
export interface AgentGuardOptions {
  /** The session's agent address, which the proxy connects to. */
  host: string
  port: number
  secret: string
  /** The loopback port of the agentapi behind the guard. */
  agentPort: number
}

// Meaningful for one connection only (RFC 9110 §7.6.1): Node frames each side itself.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade'])

/**
 * A reverse proxy of a few lines that makes "knowing the port" not enough for agentapi, which
 * has no auth: every request must carry the session's secret, which is removed before the
 * request goes on unchanged (Host included, so agentapi's Host check sees what the proxy sent).
 * Bodies stream both ways, so `/events` is flushed event by event.
 *
 * @example
 * const guard = await startAgentGuard({ host: '127.0.0.1', port: 9001, secret, agentPort: 40123 })
 */
export async function startAgentGuard(options: AgentGuardOptions): Promise<Server> {
  const agent = new Agent({ keepAlive: true })
  const server = createServer((req, res) => {
    if (!hasAgentSecret(req.headers, options.secret)) return refuseWithoutSecret(res)
    forward(req, res, options.agentPort, agent)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: options.host, port: options.port, exclusive: true }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.once('close', () => agent.destroy())
  return server
}

/** The port the guard listens on (for `port: 0`). */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port
}

function forward(req: IncomingMessage, res: ServerResponse, port: number, agent: Agent): void {
  const upstream = request(
    {
      host: '127.0.0.1',
      port,
      method: req.method,
      path: req.url,
      headers: passOn(req.rawHeaders, AGENT_SECRET_HEADER),
      agent,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, passOn(answer.rawHeaders))
      res.flushHeaders()
      answer.pipe(res)
      answer.once('error', () => res.destroy())
    },
  )
  upstream.once('error', () => {
    if (res.headersSent) res.destroy()
    else agentDown(res)
  })
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy()
  })
  req.pipe(upstream)
}

function passOn(raw: readonly string[], drop?: string): string[] {
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase()
    if (HOP_BY_HOP.has(name) || name === drop) continue
    out.push(raw[i] as string, raw[i + 1] as string)
  }
  return out
}

function agentDown(res: ServerResponse): void {
  const body = JSON.stringify({
    title: 'Bad Gateway',
    status: 502,
    detail: 'The agent behind the guard is not answering',
  })
  res.writeHead(502, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}
