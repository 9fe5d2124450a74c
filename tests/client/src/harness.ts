import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, loadConfig, type RunningServer, startServer } from '@agentapi-proxy/server'

/** A real agentapi-proxy on port 0 whose sessions run the built-in echo agent. */
export interface TestProxy {
  url: string
  server: RunningServer
  /** The server's JSON log lines so far, to print when a test fails. */
  logs(): string
  close(): Promise<void>
}

/**
 * Starts the real server from a real config file in a temp dir, as the CLI would; `extra`
 * adds top-level sections (such as `auth`) to that file.
 *
 * @example
 * const proxy = await startProxy()
 * afterAll(() => proxy.close())
 */
export async function startProxy(extra: Record<string, unknown> = {}): Promise<TestProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'aap-client-'))
  const config = {
    start_port: 20_000 + Math.floor(Math.random() * 40_000),
    session: {
      workdir_root: join(dir, 'sessions'),
      inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS'],
    },
    // Keeps any store the server opens out of the repository.
    persistence: { path: join(dir, 'proxy.sqlite') },
    ...extra,
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
  process.env.ECHO_AGENT_DELAY_MS = '20'
  const loaded = loadConfig({ cwd: dir, flags: { port: 0 }, env: { ...process.env } })
  const chunks: string[] = []
  const logger = createLogger({ destination: { write: (chunk: string) => chunks.push(chunk) } })
  const server = await startServer({ config: loaded.config, logger, env: { ...process.env } })
  return { url: server.url, server, logs: () => chunks.join(''), close: () => server.close() }
}

/**
 * A fetch that can cut every open `/events` response, as a flaky network or a restarting
 * load balancer would: the client sees its stream fail mid-body.
 *
 * @example
 * const transport = droppableEventStreams()
 * const client = createClient({ baseUrl, fetch: transport.fetch })
 * transport.dropEventStreams()
 */
export function droppableEventStreams() {
  const open = new Set<AbortController>()
  let opened = 0
  return {
    fetch: (input: Request, init?: RequestInit): Promise<Response> => {
      if (!new URL(input.url).pathname.endsWith('/events')) return fetch(input, init)
      const controller = new AbortController()
      open.add(controller)
      opened += 1
      const signal = AbortSignal.any([input.signal, controller.signal])
      return fetch(new Request(input, { signal }), init)
    },
    /** Aborts every event stream opened so far; returns how many. */
    dropEventStreams(): number {
      const count = open.size
      for (const controller of open) controller.abort(new Error('dropped by the test'))
      open.clear()
      return count
    },
    /** How many event streams were opened (reconnections included). */
    get opened() {
      return opened
    },
  }
}

/**
 * Polls `check` until it returns something other than undefined.
 *
 * @example
 * const session = await eventually(async () => {
 *   const s = await client.getSession(id)
 *   return s.status === 'active' ? s : undefined
 * })
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
