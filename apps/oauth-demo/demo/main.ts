// `pnpm demo`: the fake GitHub (or a real GitHub OAuth App), the proxy and the web app in one
// process, on fixed ports, until Ctrl-C. Prints where to go and who to sign in as.
import { type DemoStack, type GitHubApp, startDemoStack } from './stack.ts'

const env = process.env

const github: GitHubApp | undefined =
  env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET
    ? { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET }
    : undefined

let stack: DemoStack
try {
  stack = await startDemoStack({
    appPort: port('DEMO_APP_PORT', 5173),
    proxyPort: port('DEMO_PROXY_PORT', 8080),
    githubPort: port('DEMO_GITHUB_PORT', 8787),
    github,
    // Slow enough to watch a reply grow, fast enough not to wait for it.
    echoDelayMs: Number(env.ECHO_AGENT_DELAY_MS ?? 300),
    echoChunks: 6,
  })
} catch (error) {
  const message = error instanceof Error ? error.message : String(error)
  const hint = /EADDRINUSE|in use/i.test(message)
    ? ' — pick other ports with DEMO_APP_PORT, DEMO_PROXY_PORT and DEMO_GITHUB_PORT'
    : ''
  process.stderr.write(`error: ${message}${hint}\n`)
  process.exit(1)
}

process.stdout.write(banner(stack))

let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  process.stdout.write('Stopping: sessions, proxy, app…\n')
  stack.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`error while stopping: ${String(error)}\n`)
      process.exit(1)
    },
  )
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

function banner(stack: DemoStack): string {
  const signIn = stack.github.fake
    ? [
        `  sign in    on the fake GitHub's page as ${logins(stack)} (no password)`,
        `  GitHub     fake, ${stack.github.url}; set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET to use`,
        `             a real GitHub OAuth App whose callback URL is ${stack.appUrl}/callback`,
      ]
    : [
        `  sign in    with your GitHub account (OAuth App ${github?.clientId})`,
        `  GitHub     github.com; the App's callback URL must be ${stack.appUrl}/callback`,
      ]
  return `${[
    'agentapi-proxy OAuth demo',
    '',
    `  open       ${stack.appUrl}`,
    ...signIn,
    `  proxy      ${stack.proxyUrl}  (API reference: ${stack.proxyUrl}/docs)`,
    `  agent      ${stack.agent}`,
    `  files      ${stack.dir}  (config.json, proxy.log; removed on exit)`,
    '',
    'Press Ctrl-C to stop.',
  ].join('\n')}\n`
}

function logins(stack: DemoStack): string {
  return stack.accounts.map(({ login, role }) => `${login} (${role})`).join(', ')
}

function port(name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65_535) {
    process.stderr.write(`error: ${name}=${value} is not a port (1-65535)\n`)
    process.exit(2)
  }
  return parsed
}
