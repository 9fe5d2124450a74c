import type { ServerResponse } from 'node:http'
import type { KubeObject, Resource } from './objects.ts'
import { badRequest, expired } from './status.ts'
import type { Store, StoredEvent } from './store.ts'

export interface WatchRequest {
  resource: Resource
  /** Undefined for a watch across all namespaces. */
  namespace: string | undefined
  matches: (object: KubeObject) => boolean
  /** The `resourceVersion` parameter; absent, empty or "0" means "current state first". */
  resourceVersion: string | null
  timeoutSeconds: number | null
}

/**
 * Serves one watch as the API server does: HTTP 200 at once, then one JSON event per line on a
 * chunked body that stays open. Without a resourceVersion the current objects come first as
 * ADDED; with one, the changes after it are replayed, or, when history was compacted past it,
 * a single ERROR event carrying a 410 Expired Status ends the stream (not an HTTP 410: that is
 * what the real server sends and what client-node's informer reacts to by listing again).
 */
export function serveWatch(
  store: Store,
  request: WatchRequest,
  res: ServerResponse,
  open: Set<ServerResponse>,
): void {
  const from = parseVersion(request.resourceVersion)
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.flushHeaders()
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`)
  const visible = (event: StoredEvent) =>
    event.resource === request.resource &&
    (request.namespace === undefined || event.object.metadata.namespace === request.namespace) &&
    request.matches(event.object)

  if (from !== null) {
    const missed = store.eventsAfter(from)
    if (missed === null) {
      send('ERROR', expired(from, store.oldestVersion))
      res.end()
      return
    }
    for (const event of missed.filter(visible)) send(event.type, event.object)
  } else {
    for (const object of store.list(request.resource, request.namespace)) {
      if (request.matches(object)) send('ADDED', object)
    }
  }
  const unsubscribe = store.subscribe((event) => {
    if (visible(event)) send(event.type, event.object)
  })
  open.add(res)
  const timer =
    request.timeoutSeconds !== null
      ? setTimeout(() => res.end(), request.timeoutSeconds * 1000)
      : undefined
  const finish = () => {
    unsubscribe()
    open.delete(res)
    clearTimeout(timer)
  }
  // The response's close, not the request's: a request's 'close' only says its body was read.
  res.once('close', finish)
}

function parseVersion(value: string | null): number | null {
  if (value === null || value === '' || value === '0') return null
  const version = Number(value)
  if (!Number.isSafeInteger(version) || version < 0) {
    throw badRequest(`invalid resource version: ${value}`)
  }
  return version
}
