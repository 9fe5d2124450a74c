import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { demoWorld, type FakeGitHub, startFakeGitHub } from '@agentapi-proxy/fake-github'
import { createLogger, loadConfig, type RunningServer, startServer } from '@agentapi-proxy/server'
import { createServer as createViteServer, type ViteDevServer } from 'vite'

const APP_ROOT = fileURLToPath(new URL('..', import.meta.url))
// GitHub lets a loopback redirect change its port only on 127.0.0.1 and [::1], never `localhost`.
const HOST = '127.0.0.1'
// The browser reaches the proxy under this path of the app's own origin (see startApp).
const API_PREFIX = '/api/'

// Roles for the fake GitHub's demo world, highest first: alice maintains acme/platform-admins,
// bob is in acme/developers, carol is in no team and gets the default role (member).
const TEAM_ROLES = {
  'acme/platform-admins': { role: 'admin', permissions: ['*'] },
  'acme/developers': {
    role: 'developer',
    permissions: ['session:create', 'session:list', 'session:delete', 'session:access'],
  },
}

/** A real GitHub OAuth App (github.com); without one the demo runs a fake GitHub. */
export interface GitHubApp {
  clientId: string
  clientSecret: string
}

/** What {@link startDemoStack} runs. */
export interface DemoStackOptions {
  /** The web app's port; 0 picks a free one. */
  appPort: number
  /** The proxy's port; 0 picks a free one. */
  proxyPort: number
  /** The fake GitHub's port; 0 (the default) picks a free one. */
  githubPort?: number
  github?: GitHubApp | undefined
  /** `ECHO_AGENT_DELAY_MS` for the sessions' echo agents: how fast replies grow. */
  echoDelayMs: number
  /** `ECHO_AGENT_CHUNKS`: how many updates a reply grows in (the first is `Echo: `). */
  echoChunks?: number
}

/** The running demo: three servers, and where their files and logs are. */
export interface DemoStack extends AsyncDisposable {
  appUrl: string
  proxyUrl: string
  github: { url: string; fake: FakeGitHub | undefined }
  /** The fake GitHub's accounts and the role each gets; empty with a real GitHub. */
  accounts: { login: string; role: string }[]
  /** What runs each session's agent, in the proxy's words. */
  agent: string
  /** The proxy's config file, session workdirs and log, removed on close. */
  dir: string
  proxyLog: string
  close(): Promise<void>
}

/**
 * Starts, in this process: a fake GitHub (unless `github` names a real OAuth App), the proxy
 * with GitHub OAuth on, and the app's Vite dev server, which also forwards `/api/*` to the proxy.
 *
 * @example
 * await using stack = await startDemoStack({ appPort: 0, proxyPort: 0, echoDelayMs: 20 })
 * console.log(`open ${stack.appUrl}`)
 */
export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const dir = mkdtempSync(join(tmpdir(), 'agentapi-proxy-oauth-demo-'))
  const started: (() => Promise<void>)[] = []
  const close = async () => {
    for (const stop of started.reverse()) await stop()
    started.length = 0
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const fake = options.github
      ? undefined
      : await startFakeGitHub({ ...demoWorld(), port: options.githubPort ?? 0 })
    if (fake) started.push(() => fake.close())
    // The proxy must know the app's callback URL before it starts, and the app where the proxy
    // listens: so the app's port is settled first.
    const appPort = options.appPort || (await freePort())
    const appUrl = `http://${HOST}:${appPort}`
    const proxyLog = join(dir, 'proxy.log')
    const proxy = await startProxy({ ...options, dir, appUrl, fake, proxyLog })
    started.push(() => proxy.close())
    const vite = await startApp(appPort, proxy.url)
    started.push(() => vite.close())
    return {
      appUrl,
      proxyUrl: proxy.url,
      github: { url: fake?.url ?? 'https://github.com', fake },
      accounts: fake ? demoAccounts(fake) : [],
      agent: proxy.agent.description,
      dir,
      proxyLog,
      close,
      [Symbol.asyncDispose]: close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

interface ProxyOptions extends DemoStackOptions {
  dir: string
  appUrl: string
  fake: FakeGitHub | undefined
  proxyLog: string
}

async function startProxy(options: ProxyOptions): Promise<RunningServer> {
  const { dir, appUrl, fake } = options
  const app = options.github ?? {
    clientId: fake?.world.apps[0]?.client_id ?? '',
    clientSecret: fake?.world.apps[0]?.client_secret ?? '',
  }
  const config = {
    host: HOST,
    start_port: 20_000 + Math.floor(Math.random() * 40_000),
    auth: {
      enabled: true,
      github: {
        enabled: true,
        base_url: fake?.url ?? 'https://api.github.com',
        user_mapping: { team_role_mapping: TEAM_ROLES },
        oauth: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: loadConfig expands it
          client_id: '${DEMO_GITHUB_CLIENT_ID}',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the secret stays in the env
          client_secret: '${DEMO_GITHUB_CLIENT_SECRET}',
          base_url: fake?.url ?? 'https://github.com',
          allowed_redirect_uris: [`${appUrl}/callback`],
        },
      },
    },
    // Only needed when a page calls the proxy from another origin; the app goes through /api.
    cors: { allowed_origins: [appUrl] },
    persistence: { enabled: false },
    session: {
      workdir_root: join(dir, 'sessions'),
      inherit_env: ['PATH', 'HOME', 'LANG', 'TZ', 'ECHO_AGENT_DELAY_MS', 'ECHO_AGENT_CHUNKS'],
    },
  }
  // A real config file, loaded as `agentapi-proxy server -c` would: the secret stays in the env.
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
  const env = {
    ...process.env,
    DEMO_GITHUB_CLIENT_ID: app.clientId,
    DEMO_GITHUB_CLIENT_SECRET: app.clientSecret,
    ECHO_AGENT_DELAY_MS: String(options.echoDelayMs),
    ECHO_AGENT_CHUNKS: String(options.echoChunks ?? 3),
  }
  const { config: loaded } = loadConfig({
    file: join(dir, 'config.json'),
    flags: { port: options.proxyPort },
    env,
  })
  const logger = createLogger({ destination: createWriteStream(options.proxyLog) })
  return startServer({ config: loaded, logger, env })
}

async function startApp(port: number, proxyUrl: string): Promise<ViteDevServer> {
  const vite = await createViteServer({
    root: APP_ROOT,
    configFile: join(APP_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    server: {
      host: HOST,
      port,
      strictPort: true,
      // Same origin for the page and the API: the browser calls /api/…, which reaches the proxy
      // with the path's /api cut off (session event streams included, unbuffered).
      proxy: {
        [`^${API_PREFIX}`]: {
          target: proxyUrl,
          rewrite: (path) => path.slice(API_PREFIX.length - 1),
          // http-proxy leaves the browser's response open when the proxy cuts a stream (a revoked
          // share link, a deleted session): pass the cut on, so the page sees it end.
          configure: (proxy) => {
            proxy.on('proxyRes', (proxyRes, _req, res) => {
              proxyRes.once('close', () => {
                if (!proxyRes.complete) res.destroy()
              })
            })
          },
        },
      },
    },
  })
  await vite.listen()
  return vite
}

function demoAccounts(fake: FakeGitHub): { login: string; role: string }[] {
  return fake.world.users.map(({ login }) => {
    const teams = new Set(fake.world.teamsOf(login).map((team) => `${team.org}/${team.slug}`))
    const match = Object.entries(TEAM_ROLES).find(([team]) => teams.has(team))
    return { login, role: match?.[1].role ?? 'member' }
  })
}

/** A port nobody listens on right now (the app's must be known before it listens). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer()
    probe.once('error', reject)
    probe.listen(0, HOST, () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
