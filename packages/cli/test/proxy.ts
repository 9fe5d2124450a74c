import type { RunningServer } from '@agentapi-proxy/server'
import { startTestServer } from '@agentapi-proxy/server/testing'
import { runCli } from './run-cli.ts'

/**
 * A real agentapi-proxy on port 0 whose sessions run the built-in echo agent.
 *
 * @example
 * const { code, stdout } = await proxy.cli(['list', '--json'])
 */
export interface TestProxy {
  url: string
  server: RunningServer
  /** Runs the CLI against this server (`--url` set through the environment). */
  cli(
    args: string[],
    options?: { env?: NodeJS.ProcessEnv; input?: string },
  ): ReturnType<typeof runCli>
  /** The server's temp folder (config, database, workdirs): an empty place to run the CLI in. */
  dir: string
  /** The server's log lines so far, for a failing test's message. */
  logs(): string
  close(): Promise<void>
}

/**
 * A static admin key for servers started with `withAuth`.
 *
 * @example
 * await proxy.cli(['keys', 'list'], { env: { AGENTAPI_PROXY_API_KEY: ADMIN_KEY } })
 */
export const ADMIN_KEY = `${'k'.repeat(20)}good`

/**
 * The `auth` section of a server that knows one admin key, {@link ADMIN_KEY}.
 *
 * @example
 * const proxy = await startProxy(withAuth)
 */
export const withAuth = {
  auth: {
    enabled: true,
    static: {
      enabled: true,
      api_keys: [{ key: ADMIN_KEY, user_id: 'alice', role: 'admin', permissions: ['*'] }],
    },
  },
}

/**
 * Starts the real server from a config file in a temp dir, as `agentapi-proxy server` would;
 * `extra` adds top-level sections (such as `auth` or `agent`).
 *
 * @example
 * const proxy = await startProxy(withAuth)
 * afterAll(() => proxy.close())
 */
export async function startProxy(extra: Record<string, unknown> = {}): Promise<TestProxy> {
  const started = await startTestServer(extra)
  const env = {
    AGENTAPI_PROXY_URL: started.url,
    AGENTAPI_PROXY_API_KEY: '',
    AGENTAPI_PROXY_TOKEN: '',
  }
  return {
    ...started,
    cli: (args, options = {}) =>
      runCli(args, { cwd: started.dir, ...options, env: { ...env, ...options.env } }),
  }
}
