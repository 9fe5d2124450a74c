import { AppError } from '../errors.ts'
import type { SessionRecord } from './session-record.ts'

/** A position in the newest-first order: after this start time and id. */
export interface CursorPosition {
  started_at: string
  session_id: string
}

/**
 * A keyset position (a timestamp and an id) as an opaque cursor: one codec for every paged list.
 *
 * @example
 * const next_cursor = encodePosition(row.started_at, row.session_id)
 */
export function encodePosition(time: string, id: string): string {
  return Buffer.from(`${time}|${id}`).toString('base64url')
}

/** Decodes {@link encodePosition}'s cursor, or answers 422 naming the field. */
export function decodePosition(cursor: string): { time: string; id: string } {
  const [time, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|')
  if (!time || !id || extra !== undefined || Number.isNaN(Date.parse(time))) {
    throw new AppError('invalid_request', 'Invalid query: cursor: not a cursor from next_cursor', {
      errors: [{ path: 'cursor', message: 'Not a cursor from next_cursor' }],
    })
  }
  return { time, id }
}

/** Encodes the last row of a page as an opaque cursor. */
export function encodeCursor(record: Pick<SessionRecord, 'started_at' | 'session_id'>): string {
  return encodePosition(record.started_at, record.session_id)
}

/** Decodes a cursor, or answers 422 naming the field when it was not one of ours. */
export function decodeCursor(cursor: string): CursorPosition {
  const { time, id } = decodePosition(cursor)
  return { started_at: time, session_id: id }
}

/** Newest first; ties broken by id so pages never overlap or skip. */
export function compareNewestFirst(a: CursorPosition, b: CursorPosition): number {
  if (a.started_at !== b.started_at) return a.started_at < b.started_at ? 1 : -1
  return a.session_id < b.session_id ? 1 : a.session_id > b.session_id ? -1 : 0
}
