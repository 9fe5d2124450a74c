import { describe, expect, it } from 'vitest'
import { formatBanner } from './banner.ts'
import { ConfigSchema } from './config/schema.ts'
import { probeBubblewrap, resolveSandbox, type SandboxChoice } from './provisioners/sandbox.ts'

const agent = { kind: 'agentapi', command: ['agentapi'], description: 'agentapi server …' } as const
const banner = (
  input: Record<string, unknown>,
  replica?: Parameters<typeof formatBanner>[0]['replica'],
) =>
  formatBanner({
    url: 'http://127.0.0.1:8080',
    version: '1.2.3',
    configFile: null,
    config: ConfigSchema.parse(input),
    agent,
    ...(replica ? { replica } : {}),
  })

describe('the start-up banner', () => {
  it('says where agents run: local child processes by default, or pods on Kubernetes', () => {
    expect(banner({})).toMatch(/^ {2}runs on {4}local: a child process per session, in \//m)
    const kube = banner({
      provisioner: { kind: 'kubernetes', image: 'example/agent:1', namespace: 'agents' },
    })
    expect(kube).toContain('  runs on    kubernetes: a pod per session, namespace agents')
  })

  it('names the replica and its lease when the store is shared', () => {
    const shared = banner(
      { persistence: { backend: 'postgres', url: 'postgres://u:pw@db:5432/x' } },
      { id: 'proxy-1', leaseMs: 15_000, exclusive: false },
    )
    expect(shared).toContain('  replica    proxy-1 (lease 15s;')
    expect(shared).not.toContain(':pw@')
    expect(banner({}, { id: 'local', leaseMs: 15_000, exclusive: true })).not.toContain('replica')
  })

  it('warns loudly when agents run unsandboxed, and says why bubblewrap was not used', () => {
    const sandbox = chosen('auto', '')
    const text = formatBanner({ ...facts(), sandbox })
    expect(text).toContain('  sandbox    none (bubblewrap is not usable: bwrap is not on PATH)')
    expect(text).toMatch(/^ {2}WARNING {4}no sandbox: agents run as this server's user/m)
    const off = formatBanner({ ...facts(), sandbox: chosen('none', '') })
    expect(off).toContain('  sandbox    none (session.sandbox: none)')
    expect(off).toContain('WARNING    no sandbox')
  })

  it.skipIf('reason' in probeBubblewrap(process.env.PATH))(
    'names bubblewrap when auto finds it working, without a warning',
    () => {
      const sandbox = chosen('auto', process.env.PATH)
      const text = formatBanner({ ...facts(), sandbox })
      expect(text).toMatch(/^ {2}sandbox {4}bubblewrap \(\/\S*bwrap\): each agent sees only/m)
      expect(text).not.toContain('WARNING')
    },
  )
})

function facts() {
  return {
    url: 'http://127.0.0.1:8080',
    version: '1',
    configFile: null,
    config: ConfigSchema.parse({}),
    agent,
  }
}

function chosen(...args: Parameters<typeof resolveSandbox>): SandboxChoice {
  const sandbox = resolveSandbox(...args)
  if (sandbox.kind === 'unusable') throw new Error(sandbox.reason)
  return sandbox
}
