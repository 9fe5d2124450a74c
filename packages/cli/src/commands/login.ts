import {
  ApiError,
  type Client,
  createClient,
  type OAuthTokenResponse,
} from '@agentapi-proxy/client'
import { explainFailure } from '../api-failure.ts'
import { CliError } from '../cli-error.ts'
import { checkedUrl, DEFAULT_URL } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { openBrowser, shouldOpenBrowser } from '../login/browser.ts'
import { type CallbackListener, listenForCallback } from '../login/callback-listener.ts'
import { firstLine, parsePasted } from '../login/pasted-answer.ts'
import { note, printJson } from '../output.ts'
import {
  type Profile,
  profileFilePath,
  profileName,
  readProfileConfig,
  writeProfileConfig,
} from '../profile-file.ts'

/**
 * Flags of `agentapi-proxy login`.
 *
 * @example
 * const options: LoginOptions = { profile: 'work', url: 'https://agents.example.com' }
 */
export interface LoginOptions {
  profile?: string | undefined
  url?: string | undefined
  /** Keep this API key in the profile (checked first) instead of signing in with GitHub. */
  apiKey?: string | undefined
  apiKeyHeader?: string | undefined
  /** Keep this bearer token in the profile (checked first) instead of signing in. */
  token?: string | undefined
  noBrowser?: boolean | undefined
  json?: boolean | undefined
}

// GitHub's codes and the server's states both live 10 minutes: waiting longer cannot succeed.
const SIGN_IN_TIMEOUT_MS = 10 * 60_000

/**
 * Signs in and keeps the credential in a profile: with `--api-key`/`--token`, that credential
 * once the server accepts it; otherwise through the server's GitHub OAuth, with a loopback
 * listener for the redirect and the pasted URL or code as the fallback.
 *
 * @example
 * await loginCommand({ profile: 'work', url: 'https://agents.example.com' })
 */
export async function loginCommand(options: LoginOptions, env = process.env): Promise<void> {
  const config = readProfileConfig(env)
  const name = profileName(options.profile, env, config)
  const known = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined
  const url = checkedUrl(options.url || env.AGENTAPI_PROXY_URL || known?.url || DEFAULT_URL)
  const profile =
    options.apiKey || options.token
      ? await checkedCredential(url, options)
      : await signInWithGitHub(url, options, env)
  const saved = readProfileConfig(env)
  saved.profiles[name] = profile
  // The first profile becomes the one used without --profile, so `login --profile work` then
  // `list` works at once.
  if (!saved.default_profile && !Object.hasOwn(saved.profiles, 'default'))
    saved.default_profile = name
  writeProfileConfig(saved, env)
  if (options.json) {
    return printJson({ profile: name, url, user: profile.user, expires_at: profile.expires_at })
  }
  note(`Signed in to ${url} as ${profile.user} (profile ${name}, ${profileFilePath(env)}).`)
}

async function checkedCredential(url: string, options: LoginOptions): Promise<Profile> {
  const credential = options.apiKey
    ? {
        apiKey: options.apiKey,
        ...(options.apiKeyHeader ? { apiKeyHeader: options.apiKeyHeader } : {}),
      }
    : { token: options.token as string }
  const client = createClient({ baseUrl: url, ...credential, retry: { limit: 1 } })
  const status = await client.authStatus().catch((error: unknown) => {
    throw explainFailure(error, { url })
  })
  if (!status.authenticated) {
    throw new CliError(
      `${url} has auth off: there is nothing to sign in to`,
      'use the server without a profile, or with --url',
      ExitCode.usage,
    )
  }
  return {
    url,
    ...(options.apiKey ? { api_key: options.apiKey } : { token: options.token as string }),
    ...(options.apiKey && options.apiKeyHeader ? { api_key_header: options.apiKeyHeader } : {}),
    user: status.user_id,
  }
}

async function signInWithGitHub(
  url: string,
  options: LoginOptions,
  env: NodeJS.ProcessEnv,
): Promise<Profile> {
  const client = createClient({ baseUrl: url, retry: { limit: 1 } })
  const listener = await listenForCallback()
  const stop = new AbortController()
  try {
    const { auth_url, state } = await authorize(client, url, listener.redirectUri)
    note(`Sign in with GitHub at:\n\n  ${auth_url}\n`)
    const opened = shouldOpenBrowser(options.noBrowser === true, env)
      ? await openBrowser(auth_url, env)
      : false
    note(
      `${opened ? 'Your browser was opened. ' : ''}Waiting for GitHub to send the browser back to ${listener.redirectUri}.\n` +
        'If it cannot reach this machine, paste the URL it was sent to (or the code) here:',
    )
    const tokens = await answer(client, url, listener, state, stop.signal)
    return {
      url,
      token: tokens.access_token,
      expires_at: tokens.expires_at,
      refresh_token: tokens.refresh_token,
      user: tokens.user.login,
    }
  } finally {
    stop.abort()
    listener.close()
  }
}

async function authorize(client: Client, url: string, redirectUri: string) {
  try {
    return await client.oauthAuthorize({ redirect_uri: redirectUri })
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') {
      throw new CliError(
        `${url} has no GitHub sign-in (auth.github.oauth)`,
        'sign in with an API key instead: agentapi-proxy login --api-key KEY',
        ExitCode.usage,
      )
    }
    if (error instanceof ApiError && error.code === 'invalid_request') {
      throw new CliError(
        `${url} does not accept a sign-in redirected to this machine (${redirectUri})`,
        'its admin can allow it with auth.github.oauth.loopback_redirects: true',
        ExitCode.usage,
      )
    }
    throw explainFailure(error, { url })
  }
}

/** The first of: the browser's redirect, a pasted URL or code, or the timeout. */
async function answer(
  client: Client,
  url: string,
  listener: CallbackListener,
  state: string,
  signal: AbortSignal,
): Promise<OAuthTokenResponse> {
  const pasted = firstLine(process.stdin, signal).then((line) => ({
    params: parsePasted(line),
    answer: () => {},
  }))
  const visited = listener.callback.then(({ params, answer }) => ({
    params: {
      code: params.get('code') ?? undefined,
      state: params.get('state') ?? undefined,
      error: params.get('error') ?? undefined,
    },
    answer,
  }))
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CliError('no sign-in within 10 minutes', 'run agentapi-proxy login again')),
      SIGN_IN_TIMEOUT_MS,
    )
  })
  const first = await Promise.race([visited, pasted, timeout]).finally(() => clearTimeout(timer))
  try {
    const tokens = await exchange(client, url, first.params, state)
    first.answer(true, 'Signed in. You can close this tab and go back to the terminal.')
    return tokens
  } catch (error) {
    first.answer(false, error instanceof Error ? error.message : 'The sign-in failed.')
    throw error
  }
}

async function exchange(
  client: Client,
  url: string,
  params: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
  state: string,
): Promise<OAuthTokenResponse> {
  if (params.error) {
    const reason = params.error === 'access_denied' ? 'it was cancelled on GitHub' : params.error
    throw new CliError(`not signed in: ${reason}`, 'run agentapi-proxy login again', ExitCode.auth)
  }
  // A state that is not ours is a sign-in someone else started (login CSRF): never finish it.
  if (params.state !== undefined && params.state !== state) {
    throw new CliError(
      'not signed in: the answer belongs to another sign-in (its state does not match)',
      'run agentapi-proxy login again and use the URL it prints',
      ExitCode.auth,
    )
  }
  if (!params.code) {
    throw new CliError('not signed in: GitHub sent no code back', 'run agentapi-proxy login again')
  }
  return client.oauthCallback({ code: params.code, state }).catch((error: unknown) => {
    throw explainFailure(error, { url })
  })
}
