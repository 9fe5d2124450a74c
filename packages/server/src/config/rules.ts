import type { ExpansionIssue } from './expand.ts'

type Raw = Record<string, unknown> | undefined

const at = (value: unknown, key: string): Raw =>
  value && typeof value === 'object' ? ((value as Record<string, unknown>)[key] as Raw) : undefined

/**
 * Rules that span fields. They read the raw (expanded) file rather than the parsed one so they
 * are reported together with field errors — zod skips refinements once a field has failed.
 */
export function crossFieldIssues(raw: unknown): ExpansionIssue[] {
  const issues: ExpansionIssue[] = []
  const auth = at(raw, 'auth')
  const github = at(auth, 'github')
  const oauth = at(github, 'oauth')
  if (oauth) {
    for (const field of ['client_id', 'client_secret']) {
      if (!oauth[field])
        issues.push({ path: `auth.github.oauth.${field}`, message: `OAuth needs a ${field}` })
    }
  }
  const enabled = (value: Raw) => value?.enabled === true
  if (enabled(auth) && !enabled(at(auth, 'static')) && !enabled(github)) {
    issues.push({
      path: 'auth.enabled',
      message: 'Auth is on but no method is: enable auth.static or auth.github',
    })
  }
  const persistence = at(raw, 'persistence')
  if (persistence?.backend === 'postgres' && persistence.enabled !== false && !persistence.url) {
    issues.push({ path: 'persistence.url', message: 'The postgres backend needs a url' })
  }
  return issues
}
