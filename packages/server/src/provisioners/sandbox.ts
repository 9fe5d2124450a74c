import { spawnSync } from 'node:child_process'
import type { Config } from '../config/index.ts'
import { findExecutable } from './agent-command.ts'

/** How agents on this machine are kept apart, as start-up decided it and the banner says it. */
export type SandboxChoice =
  | { kind: 'bubblewrap'; bwrap: string; description: string }
  | { kind: 'none'; description: string; warning: string }

/** `session.sandbox: bubblewrap` on a machine where bwrap cannot run: a start-up error. */
export interface SandboxUnusable {
  kind: 'unusable'
  reason: string
}

// The smallest sandbox the provisioner's would fail without: the namespaces it unshares, a
// private /proc and /dev. Unprivileged user namespaces switched off (a sysctl, AppArmor) fail here.
const PROBE_ARGS = [
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--unshare-all',
  '--share-net',
  'true',
]
const PROBE_TIMEOUT_MS = 10_000

const NO_SANDBOX =
  "agents run as this server's user with nothing between them: each can read the others' workdirs, homes and environments, and the data directory"

/**
 * Decides, once at start-up, whether agents run in bubblewrap: `auto` uses it when `bwrap` is on
 * `path` and a probe sandbox runs; `bubblewrap` insists on it; `none` never sandboxes.
 *
 * @example
 * resolveSandbox('auto', process.env.PATH).kind // 'bubblewrap' where bwrap works
 */
export function resolveSandbox(
  setting: Config['session']['sandbox'],
  path: string | undefined,
): SandboxChoice | SandboxUnusable {
  if (setting === 'none') {
    return { kind: 'none', description: 'none (session.sandbox: none)', warning: NO_SANDBOX }
  }
  const probed = probeBubblewrap(path)
  if ('bwrap' in probed) {
    const description = `bubblewrap (${probed.bwrap}): each agent sees only its workdir, its user's home and a private /tmp and /proc`
    return { kind: 'bubblewrap', bwrap: probed.bwrap, description }
  }
  if (setting === 'bubblewrap') return { kind: 'unusable', reason: probed.reason }
  return {
    kind: 'none',
    description: `none (bubblewrap is not usable: ${probed.reason})`,
    warning: NO_SANDBOX,
  }
}

/** Runs bwrap once the way the provisioner will; the reason it cannot, when it cannot. */
export function probeBubblewrap(path: string | undefined): { bwrap: string } | { reason: string } {
  const bwrap = findExecutable('bwrap', path)
  if (!bwrap) return { reason: 'bwrap is not on PATH' }
  const run = spawnSync(bwrap, PROBE_ARGS, {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: PROBE_TIMEOUT_MS,
    encoding: 'utf8',
  })
  if (run.status === 0) return { bwrap }
  const said = run.stderr?.trim().split('\n')[0]
  const how = run.error
    ? run.error.message
    : run.signal
      ? `killed by ${run.signal}`
      : `exit ${run.status}`
  return { reason: `${bwrap} failed a test run (${said || how})` }
}
