import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from '../../test/proxy.ts'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy()
})
afterAll(() => proxy.close())

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Starts a session through the CLI and returns its id. */
async function start(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await proxy.cli(['start', ...args])
  expect(code, stderr).toBe(0)
  return stdout.trim()
}

describe('agentapi-proxy start', () => {
  it('waits until the session is active, with plain progress lines on a non-terminal stderr, then prints only its id', async () => {
    const { code, stdout, stderr } = await proxy.cli(['start', '--tag', 'team=infra'])
    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/^[0-9a-f-]{36}\n$/)
    const id = stdout.trim()
    expect(stderr).toContain(`Starting session ${id.slice(0, 8)}…\n`)
    expect(stderr).toMatch(new RegExp(`Session ${id} is active \\(\\d`))
    // No spinner frames: no carriage returns, no escape sequences.
    expect(stderr).not.toContain('\r')
    expect(stderr).not.toContain('\u001b[')
    const session = await (await fetch(`${proxy.url}/sessions/${id}`)).json()
    expect(session).toMatchObject({ status: 'active', tags: { team: 'infra' } })
  })

  it('prints the active session as JSON with --json, tags and env passed as given', async () => {
    const { code, stdout } = await proxy.cli([
      'start',
      '--json',
      '--tag',
      'a=1',
      '--tag=b=x=y',
      '--env',
      'APP_GREETING=hi',
      '--agent',
      'claude',
    ])
    expect(code).toBe(0)
    const session = JSON.parse(stdout)
    expect(session.session_id).toMatch(UUID)
    expect(session).toMatchObject({ status: 'active', tags: { a: '1', b: 'x=y' } })
  })

  it('refuses a --tag without = as a usage error, before asking the server', async () => {
    const { code, stdout, stderr } = await proxy.cli(['start', '--tag', 'team'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe('error: --tag takes KEY=VALUE, not "team" — e.g. --tag team=infra\n')
  })

  it('turns an environment variable the server refuses into one line and exit code 2', async () => {
    const { code, stderr } = await proxy.cli(['start', '--env', 'LD_PRELOAD=/tmp/x.so'])
    expect(code).toBe(2)
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(/^error: POST \/start → 422 .*LD_PRELOAD/)
  })
})

describe('agentapi-proxy list', () => {
  it('prints an aligned table with one row per session, filtered by tag', async () => {
    const run = `r${Date.now()}`
    const ids = [await start('--tag', `run=${run}`), await start('--tag', `run=${run}`)]
    const { code, stdout } = await proxy.cli(['list', '--tag', `run=${run}`])
    expect(code).toBe(0)
    const [header, ...rows] = stdout.trimEnd().split('\n')
    expect(header?.split(/\s{2,}/)).toEqual(['ID', 'USER', 'STATUS', 'AGENT', 'AGE', 'TAGS'])
    expect(rows).toHaveLength(2)
    // Newest first, short ids, every column under its header.
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(
      ids.reverse().map((id) => id.slice(0, 8)),
    )
    for (const row of rows) {
      expect(row).toMatch(
        new RegExp(`^[0-9a-f]{8}  anonymous  active\\s+(stable|running|-)\\s+\\d+s\\s+run=${run}$`),
      )
      expect(row.indexOf('anonymous')).toBe(header?.indexOf('USER'))
      expect(row.indexOf(`run=${run}`)).toBe(header?.indexOf('TAGS'))
    }
  }, 60_000)

  it('prints the raw response with --json, follows cursors with --all-pages, and full ids with --wide', async () => {
    const run = `r${Date.now()}`
    const ids = [await start('--tag', `run=${run}`), await start('--tag', `run=${run}`)]
    const page = await proxy.cli(['search', '--tag', `run=${run}`, '--limit', '1', '--json'])
    const first = JSON.parse(page.stdout)
    expect(first.sessions).toHaveLength(1)
    expect(first.next_cursor).toEqual(expect.any(String))

    const all = JSON.parse(
      (await proxy.cli(['list', `--tag=run=${run}`, '--limit=1', '--all-pages', '--json'])).stdout,
    )
    expect(all.sessions.map((s: { session_id: string }) => s.session_id).sort()).toEqual(ids.sort())
    expect(all.next_cursor).toBeNull()

    const more = await proxy.cli(['list', '--tag', `run=${run}`, '--limit', '1'])
    expect(more.stderr).toContain(`--cursor ${first.next_cursor}`)
    const wide = await proxy.cli(['ls', '--tag', `run=${run}`, '--wide'])
    expect(wide.stdout.split('\n')[0]).toMatch(
      /^ID\s+USER\s+STATUS\s+AGENT\s+AGE\s+STARTED\s+TAGS$/,
    )
    for (const id of ids) expect(wide.stdout).toContain(id)
  }, 60_000)

  it('shows only sessions that have not ended by default; --all or --status shows the others', async () => {
    const run = `r${Date.now()}`
    const [ended, live] = [await start('--tag', `run=${run}`), await start('--tag', `run=${run}`)]
    expect((await proxy.cli(['delete', ended])).code).toBe(0)
    const statuses = async (...args: string[]) => {
      const { code, stdout, stderr } = await proxy.cli(['list', '--tag', `run=${run}`, ...args])
      expect(code, stderr).toBe(0)
      return stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((row) => row.split(/\s+/).slice(0, 3).join(' '))
    }
    const short = (id: string) => id.slice(0, 8)
    expect(await statuses()).toEqual([`${short(live)} anonymous active`])
    // Newest first, every status.
    expect(await statuses('--all')).toEqual([
      `${short(live)} anonymous active`,
      `${short(ended)} anonymous stopped`,
    ])
    expect(await statuses('--status', 'stopped,failed')).toEqual([
      `${short(ended)} anonymous stopped`,
    ])
    const both = await proxy.cli(['list', '--status=active,stopped', '-a'])
    expect(both).toMatchObject({
      code: 2,
      stderr:
        'error: --all and --status exclude each other — --all lists every status; --status only those it names\n',
    })
  }, 60_000)

  it('says so on stderr when nothing matches, and rejects an unknown status', async () => {
    const none = await proxy.cli(['list', '--tag', 'run=none-such'])
    expect(none).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'No sessions running. Ended ones: agentapi-proxy list --all\n',
    })
    const noneAtAll = await proxy.cli(['list', '--all', '--tag', 'run=none-such'])
    expect(noneAtAll.stderr).toBe('No sessions found.\n')
    const bad = await proxy.cli(['list', '--status', 'active,sleeping'])
    expect(bad).toMatchObject({
      code: 2,
      stderr:
        'error: --status takes starting, active, stopping, stopped, failed, suspended (several comma-separated) — e.g. --status starting,active\n',
    })
  })
})

describe('agentapi-proxy get, logs and delete', () => {
  it('shows a session by the short id list prints, reads its logs, and deletes it; an unknown id exits 3', async () => {
    const id = await start('--tag', 'kind=lifecycle')
    const get = await proxy.cli(['get', id.slice(0, 8)])
    expect(get.code).toBe(0)
    expect(get.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'))
    expect(get.stdout).toMatch(/^status\s+active$/m)
    expect(get.stdout).toMatch(/^tags\s+kind=lifecycle$/m)
    expect(JSON.parse((await proxy.cli(['get', id, '--json'])).stdout).session_id).toBe(id)

    const logs = await proxy.cli(['logs', id, '--tail', '2'])
    expect(logs.code).toBe(0)
    expect(logs.stdout.trimEnd().split('\n')).toHaveLength(2)

    const deleted = await proxy.cli(['delete', id])
    expect(deleted).toMatchObject({ code: 0, stdout: `Session ${id} terminated\n` })
    // The wait is shown on stderr (a plain line when it is not a terminal).
    expect(deleted.stderr).toBe(`Stopping session ${id.slice(0, 8)}…\n`)

    // The record stays, stopped; its agent is gone.
    const stopped = await proxy.cli(['get', id])
    expect(stopped.stdout).toMatch(/^status\s+stopped$/m)
    const gone = await proxy.cli(['delete', '00000000-0000-4000-8000-000000000000'])
    expect(gone.code).toBe(3)
    expect(gone.stderr).toBe(
      'Stopping session 00000000…\n' +
        'error: session 00000000-0000-4000-8000-000000000000 not found ' +
        '(DELETE /sessions/00000000-0000-4000-8000-000000000000 → 404) — see agentapi-proxy list\n',
    )
    expect((await proxy.cli(['delete', 'abcdef12'])).code).toBe(3)
  }, 60_000)
})
