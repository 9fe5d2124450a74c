// Bytes sent but not yet read on a server's TCP connections, from the kernel's socket table
// (`ss`): what an unread stream has piled up on each side.
import { spawnSync } from 'node:child_process'

/** The connections between `port` and clients whose address starts with one of `prefixes`. */
export interface Queues {
  /** Established connections. */
  connections: number
  /** Arrived at the clients, not read by them (their Recv-Q). */
  clientRecv: number
  /** Written by the server, not yet taken by the clients' windows (its Send-Q). */
  serverSend: number
}

export function socketQueues(port: number, prefixes: readonly string[]): Queues {
  const out = spawnSync('ss', ['-Htn', 'state', 'established'], { encoding: 'utf8' }).stdout ?? ''
  const queues: Queues = { connections: 0, clientRecv: 0, serverSend: 0 }
  const server = `127.0.0.1:${port}`
  const ours = (address: string | undefined) =>
    prefixes.some((prefix) => address?.startsWith(prefix))
  for (const line of out.split('\n')) {
    // Recv-Q Send-Q Local Peer (the state column is left out when a state is asked for).
    const [recv, send, local, peer] = line.trim().split(/\s+/)
    if (local === server && ours(peer)) {
      queues.connections++
      queues.serverSend += Number(send)
    }
    if (peer === server && ours(local)) queues.clientRecv += Number(recv)
  }
  return queues
}
