import { AppError } from '../errors.ts'
import type { ApiKeyRow } from './api-key-store.ts'

/** A position in the oldest-first order of keys. */
export interface KeyPosition {
  created_at: string
  id: string
}

/**
 * The last key of a page as an opaque cursor.
 *
 * @example
 * const next_cursor = encodeKeyCursor(rows.at(-1))
 */
export function encodeKeyCursor(row: Pick<ApiKeyRow, 'created_at' | 'id'>): string {
  return Buffer.from(`${row.created_at}|${row.id}`).toString('base64url')
}

/**
 * Decodes a cursor from `next_cursor`, or answers 422 naming the field.
 *
 * @example
 * const after = decodeKeyCursor(query.cursor)
 */
export function decodeKeyCursor(cursor: string): KeyPosition {
  const [created_at, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|')
  if (!created_at || !id || extra !== undefined || Number.isNaN(Date.parse(created_at))) {
    throw new AppError('invalid_request', 'Invalid query: cursor: not a cursor from next_cursor', {
      errors: [{ path: 'cursor', message: 'Not a cursor from next_cursor' }],
    })
  }
  return { created_at, id }
}
