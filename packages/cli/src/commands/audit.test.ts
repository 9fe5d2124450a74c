import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, startProxy, type TestProxy } from '../../test/proxy.ts'
import { runCli } from '../../test/run-cli.ts'

const MEMBER_KEY = `${'m'.repeat(20)}member`
let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({
    auth: {
      enabled: true,
      static: {
        enabled: true,
        api_keys: [
          { key: ADMIN_KEY, user_id: 'alice', role: 'admin', permissions: ['*'] },
          { key: MEMBER_KEY, user_id: 'bob', role: 'member', permissions: ['*'] },
        ],
      },
    },
  })
})
afterAll(() => proxy.close())

const as = (key: string) => ({ env: { AGENTAPI_PROXY_API_KEY: key } })

describe('agentapi-proxy audit', () => {
  it('prints its usage with the connection flags', async () => {
    const { code, stdout } = await runCli(['audit', '--help'])
    expect(code).toBe(0)
    for (const flag of ['--url', '--json', '--user', '--action', '--since', '--until', '--limit']) {
      expect(stdout).toContain(flag)
    }
  })

  it('shows what was done as a table, and as JSON with --json, filtered', async () => {
    const created = await proxy.cli(['keys', 'create', '--name', 'audit-me'], as(ADMIN_KEY))
    expect(created.code, created.stderr).toBe(0)
    const table = await proxy.cli(['audit'], as(ADMIN_KEY))
    expect(table.code, table.stderr).toBe(0)
    const [header, row] = table.stdout.split('\n')
    expect(header).toMatch(/^TIME\s+ACTION\s+USER\s+METHOD\s+TARGET\s+SOURCE$/)
    expect(row).toMatch(/\sapi_key\.create\s+alice\s+api_key\s+key_\S+\s+127\.0\.0\.1$/)
    // The key's secret is never part of the log.
    expect(table.stdout).not.toContain(created.stdout.trim())

    const json = await proxy.cli(['audit', '--json', '--action', 'api_key.create'], as(ADMIN_KEY))
    expect(json.code, json.stderr).toBe(0)
    const { entries } = JSON.parse(json.stdout)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ action: 'api_key.create', user_id: 'alice' })
    const none = await proxy.cli(['audit', '--user', 'nobody'], as(ADMIN_KEY))
    expect(none).toMatchObject({ code: 0, stdout: '' })
    expect(none.stderr).toContain('No audit entries match.')
  })

  it('says in one line that only admins read it', async () => {
    const { code, stdout, stderr } = await proxy.cli(['audit'], as(MEMBER_KEY))
    expect(code).toBe(4)
    expect(stdout).toBe('')
    expect(stderr).toMatch(
      /^error: GET \/audit → 403 forbidden: Only admins may read the audit log/,
    )
  })

  it('refuses a date it cannot read (exit 2)', async () => {
    const { code, stderr } = await proxy.cli(['audit', '--since', 'yesterday-ish'], as(ADMIN_KEY))
    expect(code).toBe(2)
    expect(stderr).toContain('--since must be a date')
  })
})
