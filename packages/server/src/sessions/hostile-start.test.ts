import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/log-capture.ts'
import { ECHO_AGENT, eventually } from '../../test/sessions-fixture.ts'
import { ConfigSchema } from '../config/index.ts'
import { LocalProvisioner } from '../provisioners/local.ts'
import { type RunningServer, startServer } from '../server.ts'

// Issue 19 items 3, 7, 9 and 14, as a hostile caller tried them: a real server on port 0, real
// agents and git, a real SQLite file whose bytes are searched. Reproduce on main with
//   pnpm exec vitest run packages/server/src/sessions/hostile-start.test.ts

let root: string
let server: RunningServer
let dbFile: string

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'aap-hostile-'))
  dbFile = join(root, 'proxy.sqlite')
  const config = ConfigSchema.parse({
    port: 0,
    start_port: 20_000 + Math.floor(Math.random() * 20_000),
    agent: { command: ECHO_AGENT.command },
    persistence: { path: dbFile, encryption_key: randomBytes(32).toString('base64') },
    session: {
      workdir_root: join(root, 'sessions'),
      inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS'],
      stop_grace: 1,
      // The environment policy alone must stop these; and a sandbox's private /tmp would hide
      // the repository session 1 clones from a temp dir.
      sandbox: 'none',
      // Only so that session 1 can clone the hook-carrying repository from a temp dir.
      repository: { allow_local: true },
      environment: { allow: ['DATABASE_URL', 'DB_PASSWD', 'PASS', 'AUTH', 'BEARER', 'TLS_PEM'] },
    },
  })
  const env = { ...process.env, ECHO_AGENT_DELAY_MS: '20' }
  server = await startServer({ config, logger: captureLogs().logger, env })
}, 30_000)

afterAll(async () => {
  await server?.close()
  rmSync(root, { recursive: true, force: true })
}, 30_000)

async function start(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/start`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function active(id: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const s = (await (await fetch(`${server.url}/sessions/${id}`)).json()) as Record<
      string,
      unknown
    >
    if (s.status === 'failed') throw new Error(`session failed: ${JSON.stringify(s)}`)
    return s.status === 'active' ? s : undefined
  }, 20_000)
}

function paths(json: Record<string, unknown>): string[] {
  return (json.errors as { path: string }[]).map((e) => e.path)
}

function fileBytes(): string {
  const parts = [dbFile, `${dbFile}-wal`].map((f) =>
    existsSync(f) ? readFileSync(f) : Buffer.alloc(0),
  )
  return Buffer.concat(parts).toString('latin1')
}

/** A repository whose tree holds an executable hooks/post-checkout that writes `marker`. */
function repositoryWithHook(marker: string): string {
  const dir = mkdtempSync(join(root, 'origin-'))
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir })
  git('init', '--quiet')
  mkdirSync(join(dir, 'hooks'))
  writeFileSync(join(dir, 'hooks', 'post-checkout'), `#!/bin/sh\necho pwned > '${marker}'\n`)
  chmodSync(join(dir, 'hooks', 'post-checkout'), 0o755)
  git('add', '.')
  git('commit', '--quiet', '-m', 'a hook in the tree')
  return dir
}

describe('a hostile POST /start', () => {
  // Item 3. On main session 2 answered 201, git copied session 1's hooks/ as its template and
  // ran post-checkout as the proxy's user before the agent started.
  it("cannot run another session's git hook through GIT_TEMPLATE_DIR", async () => {
    const marker = join(root, `hook-ran-${randomBytes(4).toString('hex')}`)
    const origin = repositoryWithHook(marker)
    const first = await start({ repository: `file://${origin}` })
    expect(first.status).toBe(201)
    await active(first.json.session_id as string)
    const template = join(root, 'sessions', first.json.session_id as string)
    expect(existsSync(join(template, 'hooks', 'post-checkout'))).toBe(true)

    const second = await start({
      repository: `file://${origin}`,
      environment: { GIT_TEMPLATE_DIR: template },
    })
    expect(second.status).toBe(422)
    expect(paths(second.json)).toEqual(['environment.GIT_TEMPLATE_DIR'])
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(existsSync(marker)).toBe(false)
  }, 30_000)

  // Item 3. On main `set -x` in the start-up script printed `export GH_TOKEN=ghp_…` to the log.
  it('cannot turn on xtrace with SHELLOPTS, and is told which names are allowed', async () => {
    const res = await start({ environment: { SHELLOPTS: 'xtrace', GITHUB_TOKEN: 'ghp_x' } })
    expect(res.status).toBe(422)
    expect(res.json.errors).toEqual([
      {
        path: 'environment.SHELLOPTS',
        message: expect.stringContaining('may never be set'),
      },
    ])
    const other = await start({ environment: { EDITOR: 'vi' } })
    expect((other.json.errors as { message: string }[])[0]?.message).toMatch(
      /a request may set ANTHROPIC_API_KEY, OPENAI_API_KEY, GITHUB_TOKEN, GH_TOKEN, APP_\*, DATABASE_URL/,
    )
  })

  // Item 7. On main: 201, then Node's spawn error quoting the token went to the session's
  // `error`, GET /sessions/:id and the SQLite file in clear.
  it('gets 422 for a NUL byte in a value, and the value is stored nowhere', async () => {
    const token = `ghp_nul_${randomBytes(8).toString('hex')}`
    const res = await start({ environment: { GITHUB_TOKEN: `${token}\u0000` } })
    expect(res.status).toBe(422)
    expect(paths(res.json)).toEqual(['environment.GITHUB_TOKEN'])
    expect(JSON.stringify(res.json)).not.toContain(token)
    expect(fileBytes()).not.toContain(token)
  })

  // Item 9. On main file:// cloned any local path when allowed by nobody; here allow_local is
  // on, so a second server with the defaults is asked.
  it('refuses credentials in the URL, and keeps them out of the session and the file', async () => {
    const token = `ghp_url_${randomBytes(8).toString('hex')}`
    const res = await start({ repository: `https://x-access-token:${token}@github.com/o/r.git` })
    expect(res.status).toBe(422)
    expect(paths(res.json)).toEqual(['repository'])
    expect(JSON.stringify(res.json)).not.toContain(token)
    const search = await (await fetch(`${server.url}/search?limit=500`)).text()
    expect(search).not.toContain(token)
    expect(fileBytes()).not.toContain(token)
  })

  it('refuses hosts other than the configured GitHub, and git options', async () => {
    for (const repository of ['https://evil.example/o/r.git', 'ext::sh -c touch% /tmp/x']) {
      const res = await start({ repository })
      expect(res.status).toBe(422)
      expect(paths(res.json)).toEqual(['repository'])
    }
  })

  // Item 14. On main DATABASE_URL's password, DB_PASSWD, PASS, AUTH, BEARER and TLS_PEM were
  // stored in clear (only TOKEN/KEY/SECRET/PASSWORD/CREDENTIAL names were sealed).
  it('stores no environment value in clear', async () => {
    const tag = randomBytes(8).toString('hex')
    const environment = {
      DATABASE_URL: `postgres://app:pw_${tag}@db/app`,
      DB_PASSWD: `passwd_${tag}`,
      PASS: `pass_${tag}`,
      AUTH: `auth_${tag}`,
      BEARER: `bearer_${tag}`,
      TLS_PEM: `-----BEGIN PRIVATE KEY-----\npem_${tag}\n-----END PRIVATE KEY-----`,
      APP_NOTE: `note_${tag}`,
    }
    const res = await start({ environment })
    expect(res.status).toBe(201)
    await active(res.json.session_id as string)
    expect(fileBytes()).not.toContain(tag)
  })
})

// Issue 18: the names that make a shell, an interpreter, git or the loader run something of the
// caller's. Each is refused at the HTTP level with 422 naming the variable, and as a name that
// "may never be set": no session.environment.allow can reopen it (env-policy.test.ts).
const INTERPRETER_HIJACKS = [
  'BASH_ENV',
  'ENV',
  'PROMPT_COMMAND',
  'PS4',
  'IFS',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'PYTHONHOME',
  'PERL5OPT',
  'PERL5LIB',
  'RUBYOPT',
  'RUBYLIB',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_GLOBAL',
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'GIT_EXEC_PATH',
  'GIT_ASKPASS',
  'GIT_PROXY_COMMAND',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'DYLD_INSERT_LIBRARIES',
  'NODE_OPTIONS',
  'NODE_PATH',
  'JAVA_TOOL_OPTIONS',
  'PATH',
  'HOME',
]

describe('environment names that hijack interpreters', () => {
  it.each(INTERPRETER_HIJACKS)('refuses %s with 422 naming it', async (name) => {
    const res = await start({ environment: { [name]: 'x' } })
    expect(res.status).toBe(422)
    expect(res.json.errors).toEqual([
      { path: `environment.${name}`, message: expect.stringContaining('may never be set') },
    ])
  })

  // bash imports a function from BASH_FUNC_<name>%%: such a name is no valid name at all.
  it('refuses an exported bash function (BASH_FUNC_x%%) by the name pattern', async () => {
    const res = await start({ environment: { 'BASH_FUNC_x%%': '() { id; }' } })
    expect(res.status).toBe(422)
    expect(paths(res.json)).toEqual(['environment.BASH_FUNC_x%%'])
  })
})

describe('the default repository policy', () => {
  let defaults: RunningServer
  beforeAll(async () => {
    const config = ConfigSchema.parse({
      port: 0,
      persistence: { enabled: false },
      session: { workdir_root: join(root, 'defaults') },
    })
    defaults = await startServer({ config, logger: captureLogs().logger })
  })
  afterAll(() => defaults?.close())

  // Issue 18: values that git would read as an option, a helper to run, or a local path. None
  // reaches git: 422 naming `repository`. ("ext::…" and other hosts are refused above too.)
  it.each([
    [`file://${process.cwd()}`, 'session.repository.allow_local'],
    ['file:///etc', 'session.repository.allow_local'],
    ['/srv/git/project', 'owner/repo'],
    ['../other-session', 'owner/repo'],
    ['--upload-pack=touch /tmp/pwned', 'owner/repo'],
    ['-c core.sshCommand=touch /tmp/pwned', 'owner/repo'],
    ['-uupload-pack', 'owner/repo'],
    ['ext::sh -c touch% /tmp/pwned', 'owner/repo'],
    ['ssh://-oProxyCommand=touch /tmp/pwned/o/r', ''],
    ['git@-oProxyCommand=x:o/r', ''],
  ])('refuses %s', async (repository, hint) => {
    const res = await fetch(`${defaults.url}/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ repository }),
    })
    expect(res.status).toBe(422)
    const problem = (await res.json()) as { errors: { path: string; message: string }[] }
    expect(problem.errors).toEqual([{ path: 'repository', message: expect.stringContaining(hint) }])
  })
})

// Item 7, below validation: whatever reaches spawn, its error names the failure, not the value.
describe('LocalProvisioner.start', () => {
  it('fails a spawn without quoting the environment', async () => {
    const provisioner = new LocalProvisioner({
      startPort: 20_000 + Math.floor(Math.random() * 20_000),
      workdirRoot: join(root, 'raw'),
      logMaxBytes: 1024,
    })
    const token = `ghp_raw_${randomBytes(8).toString('hex')}`
    const spec = {
      sessionId: '5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11',
      command: ['true'],
      env: { GITHUB_TOKEN: `${token}\u0000` },
      repository: null,
    }
    const error = await provisioner.start(spec, () => undefined).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/could not be spawned/)
    expect((error as Error).message).not.toContain(token)
    await provisioner.stopAll(0)
  })
})
