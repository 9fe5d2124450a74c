import type { Environment } from '@agentapi-proxy/shared'
import { isSealed, type SecretBox, SecretBoxError } from './secret-box.ts'

// Substrings that mark a variable as a credential, matched case-insensitively: GITHUB_TOKEN,
// OPENAI_API_KEY, client_secret, DB_PASSWORD, AWS_SHARED_CREDENTIALS_FILE…
const SECRET_MARKERS = ['TOKEN', 'KEY', 'SECRET', 'PASSWORD', 'CREDENTIAL']

/**
 * Whether an environment variable holds a secret: its name contains a marker, or it is one of
 * `extraNames` (exact names, case-insensitive).
 *
 * @example
 * isSecretName('GITHUB_TOKEN') // true
 * isSecretName('DATABASE_URL', ['database_url']) // true
 */
export function isSecretName(name: string, extraNames: readonly string[] = []): boolean {
  const upper = name.toUpperCase()
  if (SECRET_MARKERS.some((marker) => upper.includes(marker))) return true
  return extraNames.some((extra) => extra.toUpperCase() === upper)
}

/**
 * A copy of `environment` with secret values sealed. A value that already looks sealed is sealed
 * again whatever its name, so that a literal `enc:v1:…` typed by a user reads back unchanged.
 */
export function sealEnvironment(
  environment: Environment,
  box: SecretBox,
  extraNames: readonly string[] = [],
): Environment {
  const sealed: Environment = {}
  for (const [name, value] of Object.entries(environment)) {
    sealed[name] = isSecretName(name, extraNames) || isSealed(value) ? box.seal(value) : value
  }
  return sealed
}

/**
 * A copy of a stored environment with every sealed value opened. Keying this on the format rather
 * than the name keeps old rows readable when the list of secret names changes.
 */
export function openEnvironment(stored: Environment, box: SecretBox | undefined): Environment {
  const opened: Environment = {}
  for (const [name, value] of Object.entries(stored)) {
    if (!isSealed(value)) {
      opened[name] = value
    } else if (box) {
      opened[name] = box.open(value)
    } else {
      throw new SecretBoxError(
        `${name} is stored encrypted but no encryption key is configured; set ` +
          'persistence.encryption_key or AGENTAPI_PROXY_ENCRYPTION_KEY',
      )
    }
  }
  return opened
}
