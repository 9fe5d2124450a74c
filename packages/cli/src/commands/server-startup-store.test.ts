import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closedPort, stopGroup } from '@agentapi-proxy/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { expectOneLineRefusal, runServer, tree } from '../../test/refused-start.ts'
import { spawnCli, watch } from '../../test/run-cli.ts'

// The store's half of start-up: the key and PostgreSQL. Reproduce by hand with the same
// c.json in an empty folder and `pnpm start -p 0 -c c.json`.

const dirs: string[] = []
const servers: Server[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function folder(configJson?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'aap-startup-'))
  dirs.push(dir)
  if (configJson !== undefined) writeFileSync(join(dir, 'c.json'), JSON.stringify(configJson))
  return dir
}

const newKey = () => randomBytes(32).toString('base64')

/** Starts the server in `cwd` until it listens, then stops it: a database and key exist after. */
async function startOnce(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawnCli(['server', '-p', '0'], {
    cwd,
    env: { PATH: '/usr/bin:/bin', AGENTAPI_PROXY_ENCRYPTION_KEY: undefined, ...env },
  })
  const { stderr, exited } = watch(child)
  try {
    await stderr.waitFor(/listening\s+http/, 45_000)
    child.kill('SIGTERM')
    expect((await exited).code).toBe(0)
  } finally {
    await stopGroup(child)
  }
}

describe('agentapi-proxy server refuses a bad key or database in one line', {
  timeout: 60_000,
}, () => {
  it('when persistence.encryption_key is not 32 bytes of base64', async () => {
    const cwd = folder({ persistence: { encryption_key: 'c2hvcnQ=' } })
    const run = await runServer(['server', '-p', '0', '-c', 'c.json'], { cwd })
    expectOneLineRefusal(
      run,
      /persistence\.encryption_key must be 32 random bytes in base64 \(it decodes to 5 bytes\)/,
      'generate one with `openssl rand -base64 32`',
    )
    expect(tree(cwd)).toEqual(['c.json'])
  })

  it('when the key does not match the database (AGENTAPI_PROXY_ENCRYPTION_KEY=<other> pnpm start)', async () => {
    const cwd = folder()
    await startOnce(cwd, { AGENTAPI_PROXY_ENCRYPTION_KEY: newKey() })
    const before = tree(cwd)
    const run = await runServer(['server', '-p', '0'], {
      cwd,
      env: { AGENTAPI_PROXY_ENCRYPTION_KEY: newKey() },
    })
    expectOneLineRefusal(
      run,
      /the encryption key \(AGENTAPI_PROXY_ENCRYPTION_KEY\) does not match the one this database was written with/,
      'use the original key; every replica sharing a database needs the same key',
    )
    expect(tree(cwd)).toEqual(before)
  })

  it('without generating a key when the database was written with one that is gone (rm data/encryption.key)', async () => {
    const cwd = folder()
    await startOnce(cwd)
    const keyFile = join(cwd, 'data', 'encryption.key')
    unlinkSync(keyFile)
    const run = await runServer(['server', '-p', '0'], { cwd })
    expectOneLineRefusal(
      run,
      /the database was written with another encryption key, and \S+encryption\.key does not exist/,
      'copy the original key file there',
    )
    // Before, a new key was generated and saved, then found not to match: the original lost.
    expect(existsSync(keyFile)).toBe(false)
  })

  it('when PostgreSQL refuses the connection (url at a closed local port)', async () => {
    const port = await closedPort()
    const url = `postgres://postgres@127.0.0.1:${port}/test`
    const cwd = folder({ persistence: { backend: 'postgres', url } })
    const run = await runServer(['server', '-p', '0', '-c', 'c.json'], { cwd })
    expectOneLineRefusal(
      run,
      new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port} refused the connection`),
      'start PostgreSQL or fix the host and port in persistence.url',
    )
    expect(tree(cwd)).toEqual(['c.json'])
  })

  it('within seconds when PostgreSQL never answers (a listener that accepts and stays silent)', async () => {
    const silent = createServer((socket) => sockets.push(socket))
    servers.push(silent)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as { port: number }
    const url = `postgres://postgres:s3cret-password@127.0.0.1:${port}/test`
    const cwd = folder({ persistence: { backend: 'postgres', url } })
    const run = await runServer(['server', '-p', '0', '-c', 'c.json'], { cwd })
    expectOneLineRefusal(
      run,
      new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port} did not answer within 5 s`),
      'start PostgreSQL or fix the host and port in persistence.url',
    )
    expect(run.stderr).not.toContain('s3cret-password')
    expect(tree(cwd)).toEqual(['c.json'])
  })

  it('when persistence.url is not a URL, naming the field', async () => {
    const cwd = folder({ persistence: { backend: 'postgres', url: 'localhost 5432' } })
    const run = await runServer(['server', '-p', '0', '-c', 'c.json'], { cwd })
    expectOneLineRefusal(
      run,
      /Invalid configuration in \S+c\.json: persistence\.url: must be a postgres:\/\/user:password@host:port\/database URL/,
      'fix it and start the server again',
    )
    expect(tree(cwd)).toEqual(['c.json'])
  })
})
