import { closeSync, openSync, rmSync, statSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { CliError } from './cli-error.ts'
import { ExitCode } from './exit-codes.ts'
import {
  type Profile,
  profileFilePath,
  readProfileConfig,
  writeProfileConfig,
} from './profile-file.ts'

/** A fetch as the client takes it. */
type Fetch = (input: Request, init?: RequestInit) => Promise<Response>

// Refresh a minute early: a token that expires between check and use would still fail.
const EARLY_MS = 60_000
const LOCK_WAIT_MS = 10_000
const LOCK_STALE_MS = 30_000

/**
 * A fetch that, once the profile's access token has expired, trades its refresh token for a new
 * pair (`POST /oauth/refresh`), saves it in the profile and sends the request with it. Undefined
 * when the profile has nothing to refresh.
 *
 * @example
 * createClient({ baseUrl, token, fetch: refreshingFetch('work', profile, process.env) })
 */
export function refreshingFetch(
  name: string,
  profile: Profile,
  env: NodeJS.ProcessEnv,
): Fetch | undefined {
  const { refresh_token, expires_at } = profile
  if (!refresh_token || !expires_at) return undefined
  let fresh: Promise<string> | undefined
  return async (input, init) => {
    if (Date.parse(expires_at) - EARLY_MS > Date.now()) return fetch(input, init)
    fresh ??= refreshOnce(name, profile, env)
    const request = new Request(input, init)
    request.headers.set('authorization', `Bearer ${await fresh}`)
    return fetch(request)
  }
}

// A refresh token works once: a second use revokes the whole sign-in (reuse detection). So two
// commands started together take turns, and the second uses what the first saved.
async function refreshOnce(name: string, profile: Profile, env: NodeJS.ProcessEnv) {
  const lock = `${profileFilePath(env)}.lock`
  await acquire(lock)
  try {
    const saved = readProfileConfig(env).profiles[name]
    if (saved?.token && saved.token !== profile.token) return saved.token
    return await refresh(name, profile, env)
  } finally {
    rmSync(lock, { force: true })
  }
}

async function refresh(name: string, profile: Profile, env: NodeJS.ProcessEnv): Promise<string> {
  const res = await fetch(`${profile.url}/oauth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ refresh_token: profile.refresh_token }),
  })
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { code?: string }
    throw new CliError(
      `the sign-in of profile ${name} has ended (POST /oauth/refresh → ${res.status} ${problem.code ?? ''})`.trim(),
      `sign in again: agentapi-proxy login --profile ${name}`,
      ExitCode.auth,
    )
  }
  const tokens = (await res.json()) as {
    access_token: string
    refresh_token: string
    expires_at: string
  }
  const config = readProfileConfig(env)
  config.profiles[name] = {
    ...(config.profiles[name] ?? profile),
    token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expires_at: tokens.expires_at,
  }
  writeProfileConfig(config, env)
  return tokens.access_token
}

async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600))
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    // A lock left by a command that was killed mid-refresh must not block every later one.
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
    if (age > LOCK_STALE_MS) rmSync(lock, { force: true })
    else if (Date.now() > deadline) {
      throw new CliError(`another command holds ${lock}`, 'remove it if no command is running')
    }
    await sleep(50)
  }
}
