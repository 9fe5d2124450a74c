/**
 * The API server's error body: a `Status` object with the HTTP code repeated in `code` and a
 * machine-readable `reason`, which clients (client-node's ApiException, informers) branch on.
 */
export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: string
  code: number
  details?: { name?: string; kind?: string }
}

/** A request the fake refuses; the router answers it with its {@link Status}. */
export class ApiError extends Error {
  readonly status: Status

  constructor(code: number, reason: string, message: string, details?: Status['details']) {
    super(message)
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
      ...(details ? { details } : {}),
    }
  }
}

/** `pods "x" not found`, with `details.kind` the resource name as the real server puts it. */
export function notFound(resource: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource })
}

export function alreadyExists(resource: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${resource} "${name}" already exists`, {
    name,
    kind: resource,
  })
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message)
}

/** What a watch from a compacted resourceVersion gets, as an ERROR event on an HTTP 200 stream. */
export function expired(requested: number, oldest: number): Status {
  return new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`).status
}
