import { statSync } from 'node:fs'
import { resolve, sep } from 'node:path'

/** One more path a sandboxed agent sees (`session.sandbox_binds`). */
export interface SandboxBind {
  source: string
  /** Where the agent sees it; the same path when absent. */
  target?: string | undefined
  writable: boolean
}

/** What the bubblewrap sandbox is built from, the same for every session of this server. */
export interface SandboxLayout {
  bwrap: string
  /** Paths no agent sees: a directory shows empty, a file empty (workdir root, homes, data). */
  hidden: readonly string[]
  /** Under /tmp, what agents must still see, read-only: where the proxy or agent is installed. */
  revealed?: readonly string[] | undefined
  binds: readonly SandboxBind[]
}

/** What is one session's own: bound back, writable, at the path it has outside. */
export interface SandboxOwnPaths {
  workdir: string
  tmpdir: string
  /** Absent: the agent keeps the HOME its environment names, unbound (usually hidden). */
  home?: string | undefined
}

/**
 * bwrap's command line for one agent, up to and including `--`. bwrap applies mounts in order, so
 * the order is the design: the whole system read-only, fresh /dev, /proc and /tmp, the
 * installation back if it lives under /tmp, then every hidden path covered (parents first), then the configured binds, and last the
 * session's own paths, bound back through the covers at their real paths — the path the agent
 * sees is the one /proc shows outside, which adoption and reaping go by.
 *
 * Not used, on purpose: `--die-with-parent` (agents must outlive a proxy restart to be adopted)
 * and `--new-session` (it would take the agent out of the process group a stop signals; the
 * agent has no terminal to abuse anyway, being spawned detached).
 *
 * @example
 * sandboxArgs(layout, { workdir, tmpdir, home }) // ['bwrap', '--ro-bind', '/', '/', …, '--']
 */
export function sandboxArgs(layout: SandboxLayout, own: SandboxOwnPaths): string[] {
  const args = [layout.bwrap, '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc']
  args.push('--tmpfs', '/tmp')
  const revealed = (layout.revealed ?? []).map((path) => resolve(path))
  for (const path of revealed) args.push('--ro-bind', path, path)
  for (const path of covers(layout.hidden, revealed)) {
    args.push(...(isDirectory(path) ? ['--tmpfs', path] : ['--ro-bind', '/dev/null', path]))
  }
  for (const bind of layout.binds) {
    const source = resolve(bind.source)
    args.push(bind.writable ? '--bind' : '--ro-bind', source, resolve(bind.target ?? source))
  }
  for (const path of [own.workdir, own.tmpdir, own.home]) if (path) args.push('--bind', path, path)
  args.push('--chdir', own.workdir, '--unshare-all', '--share-net', '--')
  return args
}

/**
 * The hidden paths that exist and are not inside another cover already (the private /tmp is
 * one, except where something under it was revealed again), parents first.
 */
function covers(hidden: readonly string[], revealed: readonly string[]): string[] {
  const done: string[] = []
  const paths = [...new Set(hidden.map((path) => resolve(path)))].sort()
  return paths.filter((path) => {
    if (!exists(path) || isUnder(path, done)) return false
    if (isUnder(path, ['/tmp']) && !isUnder(path, revealed)) return false
    done.push(path)
    return true
  })
}

function isUnder(path: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => path === dir || path.startsWith(dir + sep))
}

function exists(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}

function isDirectory(path: string): boolean {
  return statSync(path).isDirectory()
}
