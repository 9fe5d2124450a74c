import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigSchema } from '../config/index.ts'
import { sandboxLayout } from './sandbox-layout.ts'

const sandbox = { kind: 'bubblewrap', bwrap: '/usr/bin/bwrap', description: 'bubblewrap' } as const
const agent = (command: string[]) => ({ kind: 'custom', command, description: '' }) as const

describe('sandboxLayout', () => {
  it('hides the workdirs, the homes, the data directory, the config and the key files', () => {
    const config = ConfigSchema.parse({
      persistence: { path: '/srv/proxy/data/db.sqlite' },
      session: { workdir_root: '/srv/proxy/sessions', home_root: '/srv/proxy/homes' },
      auth: { static: { keys_file: '/etc/proxy/keys.json' } },
      role_env_files: { enabled: true, path: '/etc/proxy/roles' },
    })
    const layout = sandboxLayout(
      config,
      { sandbox, agent: agent(['/usr/bin/agentapi']) },
      '/etc/proxy/c.yaml',
    )
    expect(layout?.hidden).toEqual(
      expect.arrayContaining([
        '/srv/proxy/sessions',
        '/srv/proxy/homes',
        '/srv/proxy/data',
        '/srv/proxy/data/db.sqlite',
        '/srv/proxy/data/encryption.key',
        '/etc/proxy/keys.json',
        '/etc/proxy/roles',
        '/etc/proxy/c.yaml',
      ]),
    )
  })

  it('hides only the secret files when the agent is installed inside the data directory', () => {
    const config = ConfigSchema.parse({ persistence: { path: '/opt/app/db.sqlite' } })
    const layout = sandboxLayout(config, { sandbox, agent: agent(['/opt/app/bin/agent']) }, null)
    expect(layout?.hidden).not.toContain('/opt/app')
    expect(layout?.hidden).toEqual(
      expect.arrayContaining([join('/opt/app', 'db.sqlite'), join('/opt/app', 'encryption.key')]),
    )
  })

  it('reveals the directory under /tmp the agent is installed in', () => {
    const config = ConfigSchema.parse({})
    const installed = agent([process.execPath, '/tmp/project-1/node_modules/x/dist/agent.js'])
    expect(sandboxLayout(config, { sandbox, agent: installed }, null)?.revealed).toContain(
      '/tmp/project-1',
    )
  })

  it('is undefined without a sandbox, or in pods', () => {
    const config = ConfigSchema.parse({})
    const none = { kind: 'none', description: '', warning: '' } as const
    expect(sandboxLayout(config, { sandbox: none, agent: agent(['x']) }, null)).toBeUndefined()
    expect(sandboxLayout(config, { sandbox: undefined, agent: agent(['x']) }, null)).toBeUndefined()
  })
})
