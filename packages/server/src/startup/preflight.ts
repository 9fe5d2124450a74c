import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { type LoadedAuthFiles, loadAuthFiles } from '../auth/from-config.ts'
import type { Config } from '../config/index.ts'
import { type AgentChoice, podAgent, resolveAgent } from '../provisioners/agent-command.ts'
import { resolveSandbox, type SandboxChoice } from '../provisioners/sandbox.ts'
import { type EncryptionKey, findEncryptionKey } from '../secrets/encryption-key.ts'
import { defaultDataDir } from '../store/open.ts'
import { checkDirectory, checkFile } from './paths.ts'
import { StartupError } from './startup-error.ts'

/** What the checks found, for start-up to use instead of reading it again. */
export interface Checked {
  agent: AgentChoice
  authFiles: LoadedAuthFiles
  /** The key that seals secrets; one to generate is only in memory. Unset: persistence is off. */
  key: EncryptionKey | undefined
  /** How local agents are kept apart; unset on Kubernetes (a pod is its own sandbox). */
  sandbox: SandboxChoice | undefined
}

/**
 * Every start-up check that needs no write: the files the config names are readable, the paths
 * the server will create can be created, the encryption key is well-formed. Anything wrong is a
 * `StartupError` (or a `ConfigError`) before the data directory, the key file, the database or a
 * workdir exists. What needs a write or the network (the port, PostgreSQL, the key against the
 * database) is checked next, still before any file is created.
 *
 * @example
 * const checked = await preflight(config, process.env)
 */
export async function preflight(
  config: Readonly<Config>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Checked> {
  const { provisioner } = config
  const agent =
    provisioner.kind === 'kubernetes'
      ? podAgent(config.agent, provisioner.image)
      : resolveAgent(config.agent, env.PATH)
  const authFiles = await loadAuthFiles(config)
  const root = config.session.workdir_root
  await checkDirectory(root, 'session.workdir_root')
  await checkDirectory(join(root, '.logs'), 'session.workdir_root')
  const local = provisioner.kind === 'local'
  if (local) await checkDirectory(config.session.home_root, 'session.home_root')
  const sandbox = local ? checkSandbox(config, env) : undefined
  return { agent, authFiles, key: await checkPersistence(config.persistence, env), sandbox }
}

function checkSandbox(
  config: Readonly<Config>,
  env: Readonly<Record<string, string | undefined>>,
): SandboxChoice {
  const sandbox = resolveSandbox(config.session.sandbox, env.PATH)
  if (sandbox.kind === 'bubblewrap') checkBinds(config.session.sandbox_binds)
  if (sandbox.kind !== 'unusable') return sandbox
  throw new StartupError(
    `session.sandbox is bubblewrap, but ${sandbox.reason}`,
    'install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces, or set session.sandbox to auto or none',
  )
}

async function checkPersistence(
  persistence: Readonly<Config['persistence']>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<EncryptionKey | undefined> {
  if (!persistence.enabled) return undefined
  if (persistence.backend === 'sqlite') {
    await checkFile(persistence.path, 'persistence.path', 'agentapi-proxy.sqlite')
  }
  const key = await findEncryptionKey({
    configKey: persistence.encryption_key,
    env,
    dataDir: defaultDataDir(persistence),
  })
  // For SQLite the key file sits beside the database, whose directory was just checked.
  if (key.source === 'generated' && key.path && persistence.backend === 'postgres') {
    await checkDirectory(
      dirname(key.path),
      'the data directory',
      'remove the file, or set persistence.encryption_key so no key file is needed',
    )
  }
  return key
}

// bwrap refuses a missing source only when an agent starts, as that session's failure.
function checkBinds(binds: Readonly<Config['session']['sandbox_binds']>): void {
  for (const [index, bind] of binds.entries()) {
    if (existsSync(bind.source)) continue
    throw new StartupError(
      `session.sandbox_binds.${index}.source ${resolve(bind.source)} does not exist`,
      'create it, or remove the bind',
    )
  }
}
