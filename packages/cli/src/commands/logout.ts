import { ApiError, createClient } from '@agentapi-proxy/client'
import { explainFailure } from '../api-failure.ts'
import { CliError } from '../cli-error.ts'
import { selectProfile } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { note } from '../output.ts'
import { readProfileConfig, writeProfileConfig } from '../profile-file.ts'

/**
 * Signs a profile out: its OAuth token is revoked on the server (`POST /oauth/logout`), then
 * the credential is removed from the profile, which keeps its URL for the next `login`. An API
 * key is only removed here: it may be used elsewhere, and `keys revoke` ends it for good.
 *
 * @example
 * await logoutCommand({ profile: 'work' })
 */
export async function logoutCommand(
  options: { profile?: string | undefined },
  env = process.env,
): Promise<void> {
  const { name, profile } = selectProfile(options.profile, env)
  if (!profile?.token && !profile?.api_key) {
    throw new CliError(`profile ${name} is not signed in`, undefined, ExitCode.usage)
  }
  if (profile.token) await revoke(profile.url, profile.token)
  const config = readProfileConfig(env)
  const { url, user } = config.profiles[name] ?? profile
  config.profiles[name] = { url, ...(user ? { user } : {}) }
  writeProfileConfig(config, env)
  const kept = profile.api_key
    ? ' The API key still works until it is revoked (agentapi-proxy keys revoke).'
    : ''
  note(`Signed out of ${profile.url} (profile ${name}).${kept}`)
}

async function revoke(url: string, token: string): Promise<void> {
  const client = createClient({ baseUrl: url, token, retry: { limit: 1 } })
  try {
    await client.oauthLogout()
  } catch (error) {
    // A token the server no longer takes (expired, revoked, not an OAuth token) is signed out.
    if (error instanceof ApiError && error.status === 401) return
    // Anything else keeps the token here, so the user can retry rather than lose track of it.
    const failure = explainFailure(error, { url })
    if (failure instanceof CliError) {
      throw new CliError(
        `${failure.message}; the token was kept`,
        'retry agentapi-proxy logout once the server answers, or remove the profile (agentapi-proxy profiles remove)',
        failure.exitCode,
      )
    }
    throw failure
  }
}
