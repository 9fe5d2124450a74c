import { decodePosition, encodePosition } from '../store/cursor.ts'
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
  return encodePosition(row.created_at, row.id)
}

/**
 * Decodes a cursor from `next_cursor`, or answers 422 naming the field.
 *
 * @example
 * const after = decodeKeyCursor(query.cursor)
 */
export function decodeKeyCursor(cursor: string): KeyPosition {
  const { time, id } = decodePosition(cursor)
  return { created_at: time, id }
}
