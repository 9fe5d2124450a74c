import { isAbsolute, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Config } from '../config/index.ts'
import type { AgentChoice } from '../provisioners/agent-command.ts'
import type { SandboxChoice } from '../provisioners/sandbox.ts'
import type { SandboxLayout } from '../provisioners/sandbox-args.ts'
import { DEFAULT_SCRIPT } from '../provisioners/startup-scripts.ts'
import { KEY_FILE_NAME } from '../secrets/encryption-key.ts'
import { defaultDataDir } from '../store/open.ts'

/**
 * What every sandboxed agent must not see, from the config: all workdirs and homes (each agent
 * gets its own back), the data directory (the database, the key file), the config file and the
 * files of keys and role environments. Undefined when agents run unsandboxed (or in pods).
 *
 * @example
 * const layout = sandboxLayout(config, checked, '/srv/proxy/config.yaml')
 */
export function sandboxLayout(
  config: Readonly<Config>,
  { sandbox, agent }: { sandbox: SandboxChoice | undefined; agent: AgentChoice },
  configFile: string | null,
): SandboxLayout | undefined {
  if (sandbox?.kind !== 'bubblewrap') return undefined
  const { session } = config
  const hidden = [session.workdir_root, session.home_root, ...secretFiles(config)]
  if (configFile) hidden.push(configFile)
  hidden.push(...dataDirCover(config, agent))
  return {
    revealed: installedUnderTmp(config, agent),
    bwrap: sandbox.bwrap,
    hidden: hidden.map((path) => resolve(path)),
    binds: session.sandbox_binds,
  }
}

function secretFiles(config: Readonly<Config>): string[] {
  const files: string[] = []
  if (config.auth.static.keys_file) files.push(config.auth.static.keys_file)
  if (config.role_env_files.enabled) files.push(config.role_env_files.path)
  const { persistence } = config
  if (!persistence.enabled) return files
  files.push(join(defaultDataDir(persistence), KEY_FILE_NAME))
  if (persistence.backend === 'sqlite') {
    const db = resolve(persistence.path)
    files.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`)
  }
  return files
}

// The sandbox's /tmp is private, yet the proxy (the echo agent, the guard, the scripts) or the
// agent may be installed under the host's, e.g. a project in a temp dir: the first directory
// below /tmp of each is seen again, read-only (the hidden paths inside it are covered after).
function installedUnderTmp(config: Readonly<Config>, agent: AgentChoice): string[] {
  const startup = config.agent.startup_script ? [resolve(config.agent.startup_script)] : []
  const tops = [...neededPaths(agent), ...startup]
    .filter((path) => path.startsWith('/tmp/'))
    .map((path) => path.split(sep).slice(0, 3).join(sep))
  return [...new Set(tops)]
}

// The whole data directory is covered, unless the proxy or its agent is installed inside it (a
// database beside the checkout): covering it would hide what the agent runs, so then only the
// secret files above are.
function dataDirCover(config: Readonly<Config>, agent: AgentChoice): string[] {
  const dataDir = defaultDataDir(config.persistence)
  const inside = neededPaths(agent).some((path) => path.startsWith(dataDir + sep))
  return inside ? [] : [dataDir]
}

/** The files an agent's start runs: node, the embedded scripts, the agent's command line. */
function neededPaths(agent: AgentChoice): string[] {
  return [DEFAULT_SCRIPT, process.execPath, ...agent.command]
    .map((arg) => (arg.startsWith('file://') ? fileURLToPath(arg) : arg))
    .filter((arg) => isAbsolute(arg))
}
