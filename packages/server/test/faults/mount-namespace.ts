import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnInGroup, stopGroup } from '../../src/testing/process-group.ts'

/**
 * A private mount namespace, held open by a sleeping process, where a test mounts a small
 * filesystem over a server's data dir and breaks it while the server runs. Mounts are the only
 * way to make a directory read-only or full for root, which permissions do not stop; being
 * private, they vanish with the holder and nobody else on the machine sees them.
 */
export interface MountNamespace {
  /** Runs a server (or anything that execs its arguments) inside: a `startServerProcess` prefix. */
  prefix: readonly string[]
  /** Runs `argv` inside and returns its exit status (stdout and stderr go to the caller's). */
  run(argv: readonly string[]): number
  /** `path` as seen from inside, readable from outside (through /proc/<pid>/root). */
  inside(path: string): string
  /** The block device mounted at `path` inside (`/dev/loop3`), from the holder's mountinfo. */
  deviceAt(path: string): string
  stop(): Promise<void>
}

/** Starts a holder that runs `setup` (shell) in a fresh mount namespace and then waits. */
export async function mountNamespace(setup: string): Promise<MountNamespace> {
  const child = spawnInGroup(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `${setup} && echo mounted && exec sleep 86400`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  await mounted(child)
  const pid = child.pid as number
  const prefix = ['nsenter', '-t', String(pid), '-m', '--']
  return {
    prefix,
    run: (argv) => spawnSync(prefix[0] as string, [...prefix.slice(1), ...argv]).status ?? -1,
    inside: (path) => `/proc/${pid}/root${path}`,
    deviceAt: (path) => {
      // Fields: id parent major:minor root mountpoint options … - fstype source super-options
      const line = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
        .split('\n')
        .findLast((l) => l.split(' ')[4] === path)
      const source = line?.split(' - ')[1]?.split(' ')[1]
      if (!source) throw new Error(`nothing is mounted at ${path}`)
      return source
    },
    stop: () => stopGroup(child),
  }
}

function mounted(child: ChildProcess): Promise<void> {
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk
      if (output.includes('mounted\n')) resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`mount namespace setup exited ${code}: ${output}`)),
    )
  })
}

/**
 * Why mounts in a private namespace cannot be tested here (not root, no `unshare`, no loop
 * devices when `loop` is asked), or null when they can.
 */
export function mountsUnavailable(options: { loop?: boolean } = {}): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'aap-mount-probe-'))
  try {
    const image = join(dir, 'probe.img')
    const script = options.loop
      ? `truncate -s 8M ${image} && mkfs.ext4 -q ${image} && mount -o loop ${image} ${dir}`
      : `mount -t tmpfs -o size=1m tmpfs ${dir}`
    const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script])
    if (probe.error) return probe.error.message
    return probe.status === 0 ? null : `cannot mount here: ${probe.stderr.toString().trim()}`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Makes an empty ext4 image of `megabytes` with no blocks reserved for root. */
export function ext4Image(path: string, megabytes: number): void {
  execFileSync('truncate', ['-s', `${megabytes}M`, path])
  execFileSync('mkfs.ext4', ['-q', '-m', '0', path])
}

/**
 * Whether a test needing mounts skips for `reason` (from {@link mountsUnavailable}): on a
 * developer's machine it does, saying why; in CI it runs and fails on the mount, since a missing
 * capability must never pass as green there.
 */
export function skipWithoutMounts(reason: string | null): boolean {
  if (reason === null || process.env.CI) return false
  console.warn(`Skipping a mount fault test: ${reason}`)
  return true
}
