import { randomUUID } from 'node:crypto'
import { createServer, request, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * The smallest stand-in for the proxy's forwarder: `/{id}/<rest>` → `<agent>/<rest>`, bodies
 * streamed both ways, Host rewritten for agentapi's Host check. It lets the agent methods be
 * tested against a real echo agent whatever state the real forwarder is in, and it can cut its
 * event streams from the server side.
 */
export async function startPrefixShim() {
  const targets = new Map<string, number>()
  const streams = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    const [, id = '', ...rest] = (req.url ?? '/').split('/')
    const port = targets.get(id)
    if (port === undefined) {
      res.writeHead(404, { 'content-type': 'application/problem+json' })
      res.end(JSON.stringify({ title: 'Not found', status: 404, code: 'session_not_found' }))
      return
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: `/${rest.join('/')}`,
        headers: { ...req.headers, host: `127.0.0.1:${port}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        res.flushHeaders()
        if (rest[0]?.startsWith('events')) streams.add(res)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    res.on('close', () => {
      streams.delete(res)
      upstream.destroy()
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    /** Routes a new session id to the agent on `agentPort`. */
    add(agentPort: number): string {
      const id = randomUUID()
      targets.set(id, agentPort)
      return id
    },
    /** Destroys every open event stream's socket; returns how many. */
    dropStreams(): number {
      const count = streams.size
      for (const res of streams) res.destroy()
      return count
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
