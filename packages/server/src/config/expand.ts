/** One `${VAR}` that could not be expanded, with the config path where it appeared. */
export interface ExpansionIssue {
  path: string
  message: string
}

// ${NAME} or ${NAME:-fallback}; `$${` writes a literal `${`.
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Expands `${VAR}` (and `${VAR:-default}`) in every string of a parsed config file. A variable
 * that is unset and has no default is an issue at the path where it appears — never silently "".
 */
export function expandEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  issues: ExpansionIssue[],
  path: string[] = [],
): unknown {
  if (typeof value === 'string') return expandString(value, env, issues, path)
  if (Array.isArray(value))
    return value.map((item, i) => expandEnv(item, env, issues, [...path, String(i)]))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        expandEnv(item, env, issues, [...path, key]),
      ]),
    )
  }
  return value
}

function expandString(
  text: string,
  env: Record<string, string | undefined>,
  issues: ExpansionIssue[],
  path: string[],
): string {
  return text.replace(
    REFERENCE,
    (whole, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '${'
      const found = env[name]
      if (found !== undefined && found !== '') return found
      if (fallback !== undefined) return fallback
      issues.push({ path: path.join('.'), message: `environment variable ${name} is not set` })
      return whole
    },
  )
}
