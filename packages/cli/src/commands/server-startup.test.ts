import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { probeBubblewrap } from '@agentapi-proxy/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { expectOneLineRefusal, runServer, tree } from '../../test/refused-start.ts'

// Reproduce any of these by hand: the same files in an empty folder, then
// `pnpm start -p 0 -c c.json` (or the flags shown). Before, each printed a stack (most with
// exit 1), and several only after data/, the SQLite file and encryption.key were written.

const dirs: string[] = []
const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A temp folder holding `files` (a value of null makes a directory). */
function folder(files: Record<string, string | null> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'aap-startup-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) {
    if (text === null) mkdirSync(join(dir, name), { recursive: true })
    else writeFileSync(join(dir, name), text)
  }
  return dir
}

const config = (value: unknown) => JSON.stringify(value)

/** Runs the server in `cwd` and checks it was refused in one line and changed nothing there. */
async function expectRefused(cwd: string, args: string[], problem: RegExp, hint: string) {
  const before = tree(cwd)
  const run = await runServer(['server', '-p', '0', ...args], { cwd })
  expectOneLineRefusal(run, problem, hint)
  expect(tree(cwd)).toEqual(before)
  return run
}

describe('agentapi-proxy server refuses to start, in one line, having written nothing', {
  timeout: 60_000,
}, () => {
  it('when --config names a directory (pnpm start -c confd)', async () => {
    const cwd = folder({ confd: null })
    await expectRefused(
      cwd,
      ['-c', 'confd'],
      /confd: is a directory, not a config file/,
      'pass the path of a JSON or YAML file with --config',
    )
  })

  it.skipIf(process.getuid?.() === 0)('when the config file is not readable', async () => {
    const cwd = folder({ 'c.json': '{}' })
    chmodSync(join(cwd, 'c.json'), 0)
    await expectRefused(
      cwd,
      ['-c', 'c.json'],
      /c\.json: not readable by this user/,
      'make it readable or pass another file with --config',
    )
  })

  it('when the config file is not valid JSON', async () => {
    const cwd = folder({ 'c.json': '{"port": ' })
    await expectRefused(cwd, ['-c', 'c.json'], /c\.json: not valid JSON/, 'fix the syntax')
  })

  it('when persistence.path is a directory', async () => {
    const cwd = folder({ 'c.json': config({ persistence: { path: 'db' } }), db: null })
    await expectRefused(
      cwd,
      ['-c', 'c.json'],
      /persistence\.path \S+\/db is a directory, not a file/,
      `point persistence.path at a file in it, e.g. ${join(cwd, 'db', 'agentapi-proxy.sqlite')}`,
    )
  })

  it('when persistence.path is under a file (was ENOTDIR/EEXIST and a stack)', async () => {
    const cwd = folder({ 'c.json': config({ persistence: { path: 'f/x.sqlite' } }), f: '' })
    await expectRefused(
      cwd,
      ['-c', 'c.json'],
      /persistence\.path \S+\/f\/x\.sqlite is under \S+\/f, which is a file/,
      'point persistence.path at a path whose parents are directories',
    )
  })

  it('when session.workdir_root is under a file (was: after data/ and a key were written)', async () => {
    const cwd = folder({ 'c.json': config({ session: { workdir_root: 'f/sessions' } }), f: '' })
    await expectRefused(
      cwd,
      ['-c', 'c.json'],
      /session\.workdir_root \S+\/f\/sessions is under \S+\/f, which is a file/,
      'point session.workdir_root at a path whose parents are directories',
    )
  })

  it('when the port is in use (nc -l 127.0.0.1 8080 & pnpm start)', async () => {
    const holder = createServer()
    servers.push(holder)
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const { port } = holder.address() as { port: number }
    const cwd = folder()
    await expectRefused(
      cwd,
      ['-p', String(port), '--host', '127.0.0.1'],
      new RegExp(`^error: port ${port} is in use on 127\\.0\\.0\\.1 `),
      'stop the other process or pass --port',
    )
  })

  it('when --host is not an address of this machine (pnpm start --host 203.0.113.7)', async () => {
    await expectRefused(
      folder(),
      ['--host', '203.0.113.7'],
      /203\.0\.113\.7 is not an address of this machine/,
      'pass --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)',
    )
  })

  it('when auth.static.keys_file is a directory', async () => {
    const auth = { enabled: true, static: { enabled: true, keys_file: 'keys' } }
    const cwd = folder({ 'c.json': config({ auth }), keys: null })
    await expectRefused(
      cwd,
      ['-c', 'c.json'],
      /keys: is a directory, not a keys file/,
      'point auth.static.keys_file at a readable JSON file',
    )
  })

  it('when role_env_files.path does not exist', async () => {
    const cwd = folder({ 'c.json': config({ role_env_files: { enabled: true, path: 'roles' } }) })
    await expectRefused(
      cwd,
      ['-c', 'c.json'],
      /role_env_files\.path: \S+\/roles does not exist/,
      'create the directory of <role>.env files, or set role_env_files.enabled to false',
    )
  })

  it('when session.sandbox is bubblewrap and bwrap cannot run here', async () => {
    // A bwrap that fails the way it does where unprivileged user namespaces are switched off.
    const cwd = folder({ 'c.json': config({ session: { sandbox: 'bubblewrap' } }), bin: null })
    const bwrap = '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n'
    writeFileSync(join(cwd, 'bin/bwrap'), bwrap)
    chmodSync(join(cwd, 'bin/bwrap'), 0o755)
    const before = tree(cwd)
    const run = await runServer(['server', '-p', '0', '-c', 'c.json'], {
      cwd,
      env: { PATH: `${join(cwd, 'bin')}:/usr/bin:/bin` },
    })
    expectOneLineRefusal(
      run,
      /session\.sandbox is bubblewrap, but \S+\/bwrap failed a test run \(bwrap: setting up uid map: Permission denied\)/,
      'install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces, or set session.sandbox to auto or none',
    )
    expect(tree(cwd)).toEqual(before)
  })

  it.skipIf('reason' in probeBubblewrap(process.env.PATH))(
    "when a sandbox bind's source does not exist",
    async () => {
      const binds = [{ source: 'no-such-dir' }]
      const cwd = folder({ 'c.json': config({ session: { sandbox_binds: binds } }) })
      await expectRefused(
        cwd,
        ['-c', 'c.json'],
        /session\.sandbox_binds\.0\.source \S+\/no-such-dir does not exist/,
        'create it, or remove the bind',
      )
    },
  )
})
