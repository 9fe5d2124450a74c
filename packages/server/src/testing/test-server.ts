import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../config/index.ts'
import { createLogger } from '../logger.ts'
import { type RunningServer, startServer } from '../server.ts'
import { removeTempDir } from './temp-dir.ts'

/** A real agentapi-proxy on port 0, from a real config file in a temp dir. */
export interface TestServer {
  url: string
  server: RunningServer
  /** The folder holding config.json, the database and the sessions' workdirs. */
  dir: string
  /** The server's JSON log lines so far, to print when a test fails. */
  logs(): string
  /** Stops the server and its agents, and removes `dir`. */
  close(): Promise<void>
}

/**
 * Starts the server as `agentapi-proxy server` would, with its sessions running the built-in
 * echo agent at test speed (20 ms phases) and everything it writes in a temp dir; `extra` adds
 * top-level config sections (such as `auth`).
 *
 * @example
 * const proxy = await startTestServer({ auth: { enabled: true, static: { enabled: true, api_keys } } })
 * afterAll(() => proxy.close())
 */
export async function startTestServer(extra: Record<string, unknown> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'aap-test-server-'))
  const config = {
    start_port: 20_000 + Math.floor(Math.random() * 40_000),
    session: {
      workdir_root: join(dir, 'sessions'),
      // TMPDIR: the proxy's own temp files land in the test run's (agents get a private one).
      inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'TMPDIR'],
    },
    persistence: { path: join(dir, 'proxy.sqlite') },
    ...extra,
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
  const env = { ...process.env, ECHO_AGENT_DELAY_MS: '20' }
  const loaded = loadConfig({ cwd: dir, flags: { port: 0 }, env })
  const chunks: string[] = []
  const logger = createLogger({ destination: { write: (chunk: string) => chunks.push(chunk) } })
  const server = await startServer({ config: loaded.config, logger, env })
  const close = async () => {
    await server.close()
    await removeTempDir(dir)
  }
  return { url: server.url, server, dir, logs: () => chunks.join(''), close }
}
