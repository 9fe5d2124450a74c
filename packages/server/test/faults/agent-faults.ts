import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { processesUnder } from '../../src/provisioners/process-table.ts'
import type { FaultSetup } from '../fault-server.ts'

/** The processes of a session's agent: every process whose cwd is the session's workdir. */
export function agentProcesses(setup: FaultSetup, sessionId: string) {
  return processesUnder(join(setup.dir, 'sessions', sessionId))
}

/** The pid of the process the provisioner spawned for the session (it leads its group). */
export function agentPid(setup: FaultSetup, sessionId: string): number {
  const leader = agentProcesses(setup, sessionId).find((entry) => entry.pid === entry.pgid)
  if (!leader) throw new Error(`no agent process runs for session ${sessionId}`)
  return leader.pid
}

/** Open file descriptors of `pid` (sockets included); 0 once it is gone. */
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return 0
  }
}

/**
 * Established TCP connections to `port` on 127.0.0.1, from /proc/net/tcp: the proxy's sockets to
 * an agent listening there (the agent's own ends have it as their local port, not counted).
 */
export function connectionsTo(port: number): number {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2] === remote && fields[3] === '01').length
}

/** A response's status, content type and JSON body, for asserting a problem+json answer. */
export async function answerOf(res: Response) {
  const text = await res.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON: the assertions on content-type say so
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body }
}

type Reader = ReadableStreamDefaultReader<Uint8Array>

/** Reads from a response body until the text read so far passes `test`; fails after `ms`. */
export async function readUntil(reader: Reader, test: (text: string) => boolean, ms = 10_000) {
  const decoder = new TextDecoder()
  const deadline = Date.now() + ms
  let text = ''
  while (!test(text)) {
    const chunk = await bounded(reader.read(), deadline - Date.now())
    if (chunk.done) throw new Error(`the stream ended before the expected text; read:\n${text}`)
    text += decoder.decode(chunk.value, { stream: true })
  }
  return text
}

/** Reads until the body ends (`done`) or breaks (`error`); fails if it still runs after `ms`. */
export async function untilEnd(reader: Reader, ms: number): Promise<'done' | 'error'> {
  const deadline = Date.now() + ms
  try {
    for (;;) {
      if ((await bounded(reader.read(), deadline - Date.now())).done) return 'done'
    }
  } catch (error) {
    if ((error as Error).message.startsWith('still open')) throw error
    return 'error'
  }
}

function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open after the bound`)), Math.max(ms, 0))
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}
