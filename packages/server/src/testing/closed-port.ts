import { createServer } from 'node:net'

/**
 * A loopback port nothing listens on: bound by the system, then released, for tests of what a
 * client does when its server is not there.
 *
 * @example
 * const url = `http://127.0.0.1:${await closedPort()}`
 */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
