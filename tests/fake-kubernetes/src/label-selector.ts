import { badRequest } from './status.ts'

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' }

/**
 * A `labelSelector` query parameter as the API server reads it: comma-joined requirements
 * `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, all of which must hold.
 *
 * @example
 * parseLabelSelector('app=agent,tier in (a,b),!legacy')({ app: 'agent', tier: 'b' }) // true
 */
export function parseLabelSelector(
  selector: string | null | undefined,
): (labels: Record<string, string> | undefined) => boolean {
  const requirements = splitRequirements(selector ?? '').map(parseRequirement)
  return (labels = {}) => requirements.every((requirement) => holds(requirement, labels))
}

// Commas inside `(…)` separate values, not requirements.
function splitRequirements(selector: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const char of selector) {
    if (char === '(') depth++
    if (char === ')') depth--
    if (char === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += char
  }
  parts.push(current)
  return parts.map((part) => part.trim()).filter(Boolean)
}

function parseRequirement(text: string): Requirement {
  const set = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text)
  if (set) {
    const values = (set[3] ?? '').split(',').map((value) => value.trim())
    return { key: set[1] ?? '', op: set[2] as 'in' | 'notin', values }
  }
  const comparison = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(text)
  if (comparison) {
    const [, key = '', op, value = ''] = comparison
    return { key, op: op === '!=' ? 'notin' : 'in', values: [value] }
  }
  const absent = /^!\s*([^\s!=()]+)$/.exec(text)
  if (absent) return { key: absent[1] ?? '', op: 'doesnotexist' }
  if (/^[^\s!=()]+$/.test(text)) return { key: text, op: 'exists' }
  throw badRequest(`unable to parse requirement: ${JSON.stringify(text)}`)
}

function holds(requirement: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, requirement.key)
  switch (requirement.op) {
    case 'exists':
      return has
    case 'doesnotexist':
      return !has
    case 'in':
      return has && requirement.values.includes(labels[requirement.key] ?? '')
    case 'notin':
      // As in Kubernetes, `k!=v` and `k notin (…)` also match objects without the label.
      return !has || !requirement.values.includes(labels[requirement.key] ?? '')
  }
}

/**
 * A `fieldSelector` limited to what clients use to follow one object: `metadata.name` and
 * `metadata.namespace` with `=`, `==` or `!=`.
 */
export function parseFieldSelector(
  selector: string | null | undefined,
): (object: { metadata: { name: string; namespace: string } }) => boolean {
  const checks = (selector ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(.*)$/.exec(part)
      if (!match) throw badRequest(`field label not supported: ${part}`)
      const [, field, op, value] = match
      return (object: { metadata: { name: string; namespace: string } }) => {
        const actual = field === 'metadata.name' ? object.metadata.name : object.metadata.namespace
        return op === '!=' ? actual !== value : actual === value
      }
    })
  return (object) => checks.every((check) => check(object))
}
