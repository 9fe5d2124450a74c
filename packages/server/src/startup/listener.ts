import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errnoCode, StartupError } from './startup-error.ts'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

/** A bound port whose requests wait until {@link BoundListener.serve} gives them a handler. */
export interface BoundListener {
  server: Server
  /** The port bound (the one chosen by the system for port 0). */
  port: number
  /** Hands every request, the ones already waiting first, to `handler`. */
  serve(handler: Handler): void
  /** Stops listening and drops the waiting requests (start-up failed after the bind). */
  close(): Promise<void>
}

/**
 * Binds the API's port before start-up writes anything (database, key file, workdirs), so a busy
 * port or a bad `--host` leaves no trace. Binding the real listener, rather than probing the port
 * and binding later, leaves no window in which another process could take it; a request that
 * arrives before the server is ready waits instead of being refused.
 *
 * `create` builds the server (its limits and protocol handlers) around the request handler.
 *
 * @example
 * const bound = await bindListener('127.0.0.1', 0, (handler) => createServer(handler))
 * bound.serve((req, res) => res.end('ok'))
 */
export async function bindListener(
  host: string,
  port: number,
  create: (handler: Handler) => Server,
): Promise<BoundListener> {
  let handler: Handler | undefined
  const waiting: [IncomingMessage, ServerResponse][] = []
  const server = create((req, res) => {
    if (handler) handler(req, res)
    else waiting.push([req, res])
  })
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(explain(error, host, port))
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
  return {
    server,
    port: (server.address() as AddressInfo).port,
    serve: (next) => {
      handler = next
      for (const [req, res] of waiting.splice(0)) next(req, res)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [, res] of waiting.splice(0)) res.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

const HOST_HINT = 'pass --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)'

function explain(error: Error, host: string, port: number): Error {
  switch (errnoCode(error)) {
    case 'EADDRINUSE':
      return new StartupError(
        `port ${port} is in use on ${host}`,
        'stop the other process or pass --port',
      )
    case 'EACCES':
      return new StartupError(
        `port ${port} on ${host} needs privileges this user does not have`,
        'pass --port 1024 or above',
      )
    case 'EADDRNOTAVAIL':
      return new StartupError(`${host} is not an address of this machine`, HOST_HINT)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new StartupError(`host ${JSON.stringify(host)} cannot be resolved`, HOST_HINT)
    default:
      return error
  }
}
