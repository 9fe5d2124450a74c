import { type ChildProcess, execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { removeTempDir, spawnInGroup, stopGroup } from '@agentapi-proxy/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installInEmptyProject, PUBLISHED, packAll, readmeExamples } from './tarballs.ts'

// From the tarballs, in a project that has never seen this repository: what `npm install
// @agentapi-proxy/client agentapi-proxy` gives a user.
describe('the published packages, installed with npm', () => {
  let tarballs: string[] = []
  let project = ''
  let server: ChildProcess | undefined
  let url = ''

  beforeAll(() => {
    tarballs = packAll()
    project = installInEmptyProject(tarballs)
  }, 600_000)

  // The whole group: npx does not pass a signal on to the server it started, which was left
  // running otherwise. Removing the project stops the agents too (their workdirs are in it).
  afterAll(async () => {
    if (server) await stopGroup(server, { signal: 'SIGTERM', graceMs: 10_000 })
    if (project) await removeTempDir(project)
    if (tarballs[0]) await removeTempDir(dirname(tarballs[0]))
  }, 30_000)

  it('ship dist files only, with types', () => {
    const client = JSON.parse(
      readFileSync(join(project, 'node_modules/@agentapi-proxy/client/package.json'), 'utf8'),
    )
    expect(client.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' })
    expect(existsSync(join(project, 'node_modules/@agentapi-proxy/client/src'))).toBe(false)
    expect(client.dependencies['@agentapi-proxy/shared']).toMatch(/^\d/)
  })

  it('runs `npx agentapi-proxy --help`', () => {
    const help = execFileSync('npx', ['--no-install', 'agentapi-proxy', '--help'], {
      cwd: project,
      encoding: 'utf8',
    })
    expect(help).toContain('agentapi-proxy')
    expect(help).toContain('server')
  })

  it('runs `npx agentapi-proxy server`, and the client talks to it', async () => {
    server = spawnInGroup('npx', ['--no-install', 'agentapi-proxy', 'server', '--port', '0'], {
      cwd: project,
      env: { ...process.env, ECHO_AGENT_DELAY_MS: '20' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    url = await new Promise<string>((resolve, reject) => {
      let seen = ''
      server?.stderr?.on('data', (chunk: Buffer) => {
        seen += chunk
        const match = /listening\s+(http:\/\/\S+)/.exec(seen)
        if (match?.[1]) resolve(match[1])
      })
      server?.once('exit', (code) => reject(new Error(`server exited ${code}: ${seen}`)))
    })
    writeFileSync(
      join(project, 'talk.mjs'),
      `import { createClient } from '@agentapi-proxy/client'
const client = createClient({ baseUrl: process.argv[2] })
const health = await client.health()
const started = await client.start({ tags: { from: 'tarball' } })
let session = started
for (let i = 0; i < 200 && session.status === 'starting'; i++) {
  await new Promise((r) => setTimeout(r, 50))
  session = await client.getSession(started.session_id)
}
await client.waitForStatus(started.session_id, 'stable', { timeout: 10_000 })
await client.sendMessage(started.session_id, 'hello from npm')
await client.waitForStatus(started.session_id, 'stable', { timeout: 10_000 })
const { messages } = await client.messages(started.session_id)
await client.deleteSession(started.session_id)
console.log(JSON.stringify({ health, status: session.status, agent: session.agent, last: messages.at(-1) }))
`,
    )
    const out = execFileSync(process.execPath, ['talk.mjs', url], {
      cwd: project,
      encoding: 'utf8',
    })
    const result = JSON.parse(out)
    expect(result).toMatchObject({ health: { status: 'ok' }, status: 'active', agent: 'echo' })
    expect(result.last.content).toContain('hello from npm')
  }, 120_000)

  it('drives a session with the installed CLI: start, send, messages, delete', () => {
    const cli = (...args: string[]) =>
      execFileSync('npx', ['--no-install', 'agentapi-proxy', ...args, '--url', url], {
        cwd: project,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    const session = JSON.parse(cli('start', '--tag', 'from=cli', '--json'))
    expect(session).toMatchObject({ status: 'active', tags: { from: 'cli' } })
    cli('send', session.session_id, 'hello from the installed cli', '--wait')
    const { messages } = JSON.parse(cli('messages', session.session_id, '--json'))
    expect(messages.at(-1).content).toContain('hello from the installed cli')
    const deleted = JSON.parse(cli('delete', session.session_id, '--json'))
    expect(deleted).toMatchObject({ status: 'terminated' })
  }, 120_000)

  // Reproduce: before each package had a README.md and LICENSE in `files`, npm showed no README
  // and the tarballs carried no licence text; a README example that names a missing export fails.
  it.each(PUBLISHED)(
    '%s ships README.md and LICENSE, and its README examples run',
    (name) => {
      const dir = join(
        project,
        'node_modules',
        name === 'cli' ? 'agentapi-proxy' : `@agentapi-proxy/${name}`,
      )
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/)
      const examples = readmeExamples(readFileSync(join(dir, 'README.md'), 'utf8'))
      expect(examples.length).toBeGreaterThan(0)
      for (const [index, { lang, code }] of examples.entries()) {
        const file = join(project, `readme-${name}-${index}.${lang === 'js' ? 'mjs' : 'sh'}`)
        writeFileSync(file, code)
        const out = execFileSync(
          lang === 'js' ? process.execPath : 'bash',
          // -e: a failing command of a shell example fails the test, not only the last one.
          lang === 'js' ? [file] : ['-e', file],
          {
            cwd: project,
            encoding: 'utf8',
            env: { ...process.env, AGENTAPI_PROXY_URL: url, ECHO_AGENT_DELAY_MS: '20' },
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 60_000,
          },
        )
        expect(out, code).not.toBe('')
      }
    },
    180_000,
  )
})
