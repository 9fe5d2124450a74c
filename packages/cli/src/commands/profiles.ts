import { explainFailure } from '../api-failure.ts'
import { CliError } from '../cli-error.ts'
import { type ConnectionOptions, connect } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { note, printJson, printLine } from '../output.ts'
import {
  maskSecret,
  type Profile,
  profileFilePath,
  profileName,
  readProfileConfig,
  writeProfileConfig,
} from '../profile-file.ts'
import { renderTable } from '../table.ts'

/**
 * Lists the profiles of the config file, the selected one marked with `*`; credentials are
 * shown masked, never whole (with `--json` too).
 *
 * @example
 * await listProfilesCommand({ json: false })
 */
export async function listProfilesCommand(
  options: { profile?: string | undefined; json?: boolean | undefined },
  env = process.env,
): Promise<void> {
  const config = readProfileConfig(env)
  const selected = profileName(options.profile, env, config)
  const entries = Object.entries(config.profiles)
  if (options.json) {
    const profiles = entries.map(([name, profile]) => ({
      name,
      selected: name === selected,
      url: profile.url,
      user: profile.user ?? null,
      credential: credentialOf(profile),
      expires_at: profile.expires_at ?? null,
      renews: Boolean(profile.refresh_token),
    }))
    return printJson({ file: profileFilePath(env), profiles })
  }
  if (entries.length === 0) {
    return note(`No profiles in ${profileFilePath(env)}; create one with agentapi-proxy login.`)
  }
  const rows = entries.map(([name, profile]) => [
    `${name === selected ? '*' : ' '} ${name}`,
    profile.url,
    profile.user ?? '-',
    credentialOf(profile),
    // An OAuth token renews itself with its refresh token: its expiry is no reason to log in.
    profile.expires_at ? `${profile.expires_at}${profile.refresh_token ? ' (renews)' : ''}` : '-',
  ])
  printLine(renderTable(['  NAME', 'URL', 'USER', 'CREDENTIAL', 'EXPIRES'], rows))
}

/**
 * Makes a profile the one used when neither `--profile` nor `AGENTAPI_PROXY_PROFILE` names one.
 *
 * @example
 * await useProfileCommand('work')
 */
export async function useProfileCommand(name: string, env = process.env): Promise<void> {
  const config = readProfileConfig(env)
  mustExist(config.profiles, name)
  config.default_profile = name
  writeProfileConfig(config, env)
  note(`Profile ${name} is now the default.`)
}

/**
 * Deletes a profile from the config file (its credential is not revoked: see `logout`).
 *
 * @example
 * await removeProfileCommand('old')
 */
export async function removeProfileCommand(name: string, env = process.env): Promise<void> {
  const config = readProfileConfig(env)
  mustExist(config.profiles, name)
  delete config.profiles[name]
  if (config.default_profile === name) delete config.default_profile
  writeProfileConfig(config, env)
  note(`Removed profile ${name}.`)
}

/**
 * Says who the server takes the caller for, and through which profile.
 *
 * @example
 * await whoamiCommand({ profile: 'work' })
 */
export async function whoamiCommand(options: ConnectionOptions): Promise<void> {
  const { client, url, profile } = connect(options)
  const status = await client.authStatus().catch((error: unknown) => {
    throw explainFailure(error, { url })
  })
  if (options.json) return printJson({ url, profile: profile ?? null, ...status })
  const via = profile ? ` (profile ${profile})` : ''
  if (!status.authenticated) return printLine(`anonymous at ${url}${via}`)
  const permissions = status.permissions.join(',') || 'no permissions'
  printLine(
    `${status.user_id} at ${url}${via}: role ${status.role}, ${permissions}, by ${status.auth_type}`,
  )
}

function credentialOf(profile: Profile): string {
  if (profile.token) return `token ${maskSecret(profile.token)}`
  if (profile.api_key) return `api key ${maskSecret(profile.api_key)}`
  return '-'
}

function mustExist(profiles: Record<string, Profile>, name: string): void {
  if (Object.hasOwn(profiles, name)) return
  const known = Object.keys(profiles)
  throw new CliError(
    `no profile named ${name}`,
    known.length > 0
      ? `known profiles: ${known.join(', ')}`
      : 'create one with agentapi-proxy login',
    ExitCode.notFound,
  )
}
