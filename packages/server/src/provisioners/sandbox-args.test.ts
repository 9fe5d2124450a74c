import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TempDirs } from '../testing/temp-dir.ts'
import { sandboxArgs } from './sandbox-args.ts'

const dirs = new TempDirs()
afterEach(() => dirs.removeAll())

/** The argv as [option, ...operands] groups, which is how bwrap reads it. */
function mounts(args: string[]): string[] {
  return args.join(' ').split(/ (?=--)/)
}

describe('sandboxArgs', () => {
  it('covers hidden paths (parents first, files with /dev/null), then binds the session back', () => {
    const root = dirs.make('aap-bwrap-args-', '/var/tmp')
    const data = join(root, 'data')
    mkdirSync(join(data, 'sessions'), { recursive: true })
    writeFileSync(join(root, 'keys.json'), '[]')
    const own = {
      workdir: join(data, 'sessions', 's1'),
      tmpdir: join(data, 'sessions', '.tmp', 's1'),
      home: join(data, 'homes', 'alice-1'),
    }
    const args = sandboxArgs(
      {
        bwrap: '/usr/bin/bwrap',
        hidden: [join(data, 'sessions'), data, join(root, 'keys.json'), join(root, 'missing')],
        binds: [{ source: '/opt/tools', writable: false }],
      },
      own,
    )
    expect(mounts(args)).toEqual([
      '/usr/bin/bwrap',
      '--ro-bind / /',
      '--dev /dev',
      '--proc /proc',
      '--tmpfs /tmp',
      `--tmpfs ${data}`, // data/sessions is inside it: one cover is enough
      `--ro-bind /dev/null ${join(root, 'keys.json')}`,
      '--ro-bind /opt/tools /opt/tools',
      `--bind ${own.workdir} ${own.workdir}`,
      `--bind ${own.tmpdir} ${own.tmpdir}`,
      `--bind ${own.home} ${own.home}`,
      `--chdir ${own.workdir}`,
      '--unshare-all',
      '--share-net',
      '--',
    ])
  })

  it('shows an installation under /tmp again, read-only, and still covers what is hidden in it', () => {
    const root = dirs.make('aap-bwrap-tmp-')
    mkdirSync(join(root, 'data'))
    const args = sandboxArgs(
      {
        bwrap: 'bwrap',
        hidden: [join(root, 'data'), '/tmp/elsewhere'],
        binds: [],
        revealed: [root],
      },
      { workdir: '/w', tmpdir: '/t' },
    )
    const tmp = mounts(args).indexOf('--tmpfs /tmp')
    expect(mounts(args).slice(tmp, tmp + 3)).toEqual([
      '--tmpfs /tmp',
      `--ro-bind ${root} ${root}`,
      `--tmpfs ${join(root, 'data')}`,
    ])
  })

  it('never lets the sandbox die with the proxy or leave the process group', () => {
    const args = sandboxArgs(
      { bwrap: 'bwrap', hidden: [], binds: [] },
      { workdir: '/w', tmpdir: '/t' },
    )
    expect(args).not.toContain('--die-with-parent')
    expect(args).not.toContain('--new-session')
  })
})
