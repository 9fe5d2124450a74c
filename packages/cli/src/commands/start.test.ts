import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from '../../test/proxy.ts'

describe('agentapi-proxy start, when the agent cannot start', () => {
  let proxy: TestProxy
  beforeAll(async () => {
    // An agent that dies at once: the session ends `failed` with its exit code and output.
    proxy = await startProxy({
      agent: { command: ['sh', '-c', 'echo "boom: no such model" >&2; exit 7'] },
    })
  })
  afterAll(() => proxy.close())

  it('prints the last log lines and the error, prints no id, and exits 1', async () => {
    const { code, stdout, stderr } = await proxy.cli(['start'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(
      /Last log lines of session [0-9a-f-]{36}:\n(.*\n)*\s+boom: no such model\n/,
    )
    const last = stderr.trimEnd().split('\n').at(-1)
    expect(last).toMatch(
      /^error: session [0-9a-f-]{36} failed \(exit code 7\).* — see agentapi-proxy logs /,
    )
  })

  it('prints the id at once with --no-wait', async () => {
    const { code, stdout, stderr } = await proxy.cli(['start', '--no-wait'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^[0-9a-f-]{36}\n$/)
    expect(stderr).toBe('')
  })
})
