import type { Environment } from '@agentapi-proxy/shared'
import { isSealed, type SecretBox, SecretBoxError } from './secret-box.ts'

/**
 * A copy of `environment` with every value sealed. Guessing secrets by name missed DATABASE_URL
 * with a password, DB_PASSWD, BEARER, *_PEM…; an environment is small, so sealing all of it costs
 * nothing and guesses nothing.
 *
 * @example
 * sealEnvironment({ APP_DSN: 'postgres://u:p@h/db' }, box) // { APP_DSN: 'enc:v1:…' }
 */
export function sealEnvironment(environment: Environment, box: SecretBox): Environment {
  const sealed: Environment = {}
  for (const [name, value] of Object.entries(environment)) sealed[name] = box.seal(value)
  return sealed
}

/**
 * A copy of a stored environment with every sealed value opened. Keying this on the format keeps
 * rows written before every value was sealed (secrets only, by name) readable.
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
