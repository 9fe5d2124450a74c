import type { FieldIssue } from '@agentapi-proxy/shared'
import type { z } from 'zod'
import { AppError } from './errors.ts'

/**
 * Zod issues as field issues named by dot path. An unknown key is reported at its own path
 * ("colour: Unknown field") rather than at its parent's, so the caller sees which field to drop.
 */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: dotPath([...issue.path, key]),
        message: 'Unknown field',
      }))
    }
    return [{ path: dotPath(issue.path), message: readable(issue) }]
  })
}

// Hono's validation targets, as a person calls them.
const TARGET_NAMES: Record<string, string> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'headers',
}

/** The `invalid_request` error for a failed validation of `target` (json, query, param, …). */
export function validationError(error: z.ZodError, target: string): AppError {
  const where = TARGET_NAMES[target] ?? target
  const errors = fieldIssues(error)
  const detail = errors.map((e) => `${e.path || where}: ${e.message}`).join('; ')
  return new AppError('invalid_request', `Invalid ${where}: ${detail}`, { errors })
}

// zod says "expected string, received undefined" for a missing field; people say "Required".
function readable(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `Required (${issue.expected})`
  }
  // A bad record key is reported as "Invalid key in record"; the reason is one level down.
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message
  return issue.message
}

// A key that is the empty string is shown quoted: unquoted, `{"": 1}`'s unknown field would have
// the empty path, which means the whole body or query.
function dotPath(path: PropertyKey[]): string {
  return path.map((key) => (key === '' ? '""' : String(key))).join('.')
}
