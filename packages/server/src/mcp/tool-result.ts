import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'

/**
 * A tool's answer as MCP wants it: the object as `structuredContent`, and the same as JSON text
 * for clients (and models) that read only `content`.
 *
 * @example
 * return toolResult(await sessions.get(principal, id))
 */
export function toolResult(value: object): CallToolResult {
  return {
    structuredContent: value as Record<string, unknown>,
    content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  }
}

/**
 * A failed tool call as an MCP tool error (`isError`), which the model reads and can act on, not
 * a protocol error: an `AppError` with its code and detail, and the problem body as structured
 * content; anything else as `internal`, logged once with its stack and never shown, as the HTTP
 * routes do.
 *
 * @example
 * try { … } catch (error) { return toolError(error, logger) }
 */
export function toolError(error: unknown, logger: Logger): CallToolResult {
  const known = asAppError(error)
  if (!known) logger.error({ err: error }, 'MCP tool failed')
  const problem = (
    known ?? new AppError('internal', 'Something went wrong; the details are in the logs')
  ).toProblem()
  return {
    isError: true,
    structuredContent: problem as unknown as Record<string, unknown>,
    content: [{ type: 'text', text: `${problem.code}: ${problem.detail}` }],
  }
}

function asAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error
  // The caller's timeout, or the caller going away.
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new AppError('request_timeout', error.message)
  }
  return null
}
