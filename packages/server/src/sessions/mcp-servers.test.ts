import { execFileSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'libsql'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eventually, user, useSessionServices } from '../../test/sessions-fixture.ts'
import { startTestServer, TempDirs, type TestServer } from '../testing/index.ts'
import { RepositoryPolicy } from './repository-policy.ts'

// A session's own MCP servers: written into its workdir as Claude Code's `.mcp.json` before the
// agent starts, their secrets sealed in the database and never in an answer of the API.

const ALICE = 'alice-static-key-0000000000001'
const SECRETS = {
  header: 'Bearer docs-secret-4f1d2a9c',
  env: 'ghp_files_secret_8e7c6b5a',
  config: 'config-default-secret-11aa22bb',
  role: 'role-secret-33cc44dd',
}

describe('a session with MCP servers, through a real server', () => {
  let proxy: TestServer
  const roots = new TempDirs()
  let workdirRoot = ''

  beforeAll(async () => {
    workdirRoot = roots.make('aap-mcp-sessions-')
    proxy = await startTestServer({
      auth: {
        enabled: true,
        static: {
          enabled: true,
          api_keys: [{ key: ALICE, user_id: 'alice', role: 'member', permissions: ['*'] }],
        },
      },
      session: {
        workdir_root: workdirRoot,
        inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'TMPDIR'],
        mcp_servers: {
          search: { type: 'sse', url: 'https://search.example.com/sse' },
          docs: { type: 'http', url: 'https://old.example.com/mcp' },
        },
        role_mcp_servers: {
          member: {
            tickets: {
              type: 'http',
              url: 'https://tickets.example.com/mcp',
              headers: { 'X-Token': SECRETS.role },
            },
          },
          admin: { never: { type: 'stdio', command: 'not-for-members' } },
        },
      },
    })
  })
  afterAll(async () => {
    await proxy?.close()
    await roots.removeAll()
  })

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(`${proxy.url}${path}`, {
      method,
      headers: { 'x-api-key': ALICE, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    return { status: res.status, text: await res.text() }
  }

  it('writes .mcp.json before the agent starts, and shows and stores no secret', async () => {
    const docs = {
      type: 'http',
      url: 'https://docs.example.com/mcp',
      headers: { Authorization: SECRETS.header },
    }
    const files = {
      type: 'stdio',
      command: 'npx',
      args: ['-y', 'files-mcp', '--root', '.'],
      env: { FILES_TOKEN: SECRETS.env },
    }
    const started = await api('POST', '/start', { mcp_servers: { docs, files } })
    expect(started.status, started.text).toBe(201)
    const id = JSON.parse(started.text).session_id as string
    await eventually(async () => {
      const { text } = await api('GET', `/sessions/${id}`)
      return JSON.parse(text).status === 'active' ? true : undefined
    })

    const file = join(workdirRoot, id, '.mcp.json')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      mcpServers: {
        search: { type: 'sse', url: 'https://search.example.com/sse' },
        // The request's docs replaces the config's whole.
        docs,
        tickets: {
          type: 'http',
          url: 'https://tickets.example.com/mcp',
          headers: { 'X-Token': SECRETS.role },
        },
        files,
      },
    })
    expect(statSync(file).mode & 0o777).toBe(0o600)

    const got = await api('GET', `/sessions/${id}`)
    expect(JSON.parse(got.text).mcp_servers).toEqual(['search', 'docs', 'tickets', 'files'])
    const answers = [
      started.text,
      got.text,
      (await api('GET', '/search')).text,
      (await api('GET', `/search?tag.none=x`)).text,
      (await api('GET', '/')).text,
    ]
    const db = new Database(join(proxy.dir, 'proxy.sqlite'))
    const row = db.prepare('select mcp_servers from sessions where session_id = ?').get(id) as {
      mcp_servers: string
    }
    db.close()
    expect(row.mcp_servers).toContain('enc:v1:')
    for (const secret of Object.values(SECRETS)) {
      for (const answer of answers) expect(answer).not.toContain(secret)
      expect(row.mcp_servers).not.toContain(secret)
    }
    await api('DELETE', `/sessions/${id}`)
  })

  it('refuses a malformed server, naming the field', async () => {
    const res = await api('POST', '/start', {
      mcp_servers: { 'bad name': { type: 'http', url: 'ftp://x' }, ok: { type: 'stdio' } },
    })
    expect(res.status).toBe(422)
    const paths = JSON.parse(res.text).errors.map((e: { path: string }) => e.path)
    expect(paths).toEqual(
      expect.arrayContaining(['mcp_servers.bad name', 'mcp_servers.ok.command']),
    )
  })
})

describe('a cloned session with MCP servers', () => {
  const newService = useSessionServices()
  const origins = new TempDirs()
  afterEach(() => origins.removeAll())

  it('moves .mcp.json in after the clone and keeps it out of git', async () => {
    const origin = origins.make('aap-origin-')
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd })
        .toString()
        .trim()
    git(origin, 'init', '--quiet')
    writeFileSync(join(origin, 'README.md'), 'hello\n')
    git(origin, 'add', 'README.md')
    git(origin, 'commit', '--quiet', '-m', 'first')
    const repositoryPolicy = new RepositoryPolicy({
      githubUrl: 'https://github.com',
      allowLocal: true,
    })
    const { service, workdirRoot } = newService({ repositoryPolicy })
    const headers = { Authorization: SECRETS.header }
    const { session_id } = await service.start(user('alice'), {
      repository: `file://${origin}`,
      mcp_servers: { docs: { type: 'http', url: 'https://docs.example.com/mcp', headers } },
    })
    await eventually(async () =>
      (await service.lookup(session_id))?.status === 'active' ? true : undefined,
    )
    const workdir = join(workdirRoot, session_id)
    expect(
      JSON.parse(readFileSync(join(workdir, '.mcp.json'), 'utf8')).mcpServers.docs.headers,
    ).toEqual(headers)
    expect(readFileSync(join(workdir, 'README.md'), 'utf8')).toBe('hello\n')
    expect(git(workdir, 'status', '--porcelain')).toBe('')
    await service.delete(user('alice'), session_id)
  })
})
