import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Cluster } from './cluster.ts'
import { parseFieldSelector, parseLabelSelector } from './label-selector.ts'
import { isResource, type KubeObject, RESOURCES, type Resource, resourceOfKind } from './objects.ts'
import { ApiError, badRequest } from './status.ts'
import { serveWatch } from './watch.ts'

export interface FakeKubernetesOptions {
  /** The bearer token every request must carry; a random one by default. */
  token?: string
}

export interface FakeKubernetes {
  /** `http://127.0.0.1:<port>`, the cluster's API server. */
  readonly url: string
  readonly token: string
  /** A kubeconfig (JSON, which is YAML) for `KubeConfig.loadFromString`: namespace `default`. */
  kubeconfig(): string
  /** Kills every pod's process group, waits for them, and closes the server. */
  close(): Promise<void>
  /** Ends every open watch mid-stream, as a dropped connection or an API server restart would. */
  breakWatches(): void
  /** Forgets the history: a watch from any resourceVersion before now gets 410 Expired. */
  compact(): void
  /** The current objects of a kind (`Pod` or `pods`), in every namespace. */
  objects(kind: string): KubeObject[]
  /** SIGKILLs the pod's container and reports it terminated with OOMKilled, exit code 137. */
  oomKill(namespace: string, podName: string): void
}

/**
 * Starts a Kubernetes API server on 127.0.0.1 (port 0) that serves core v1 pods, services,
 * secrets and persistentvolumeclaims in any namespace, in the wire format of the real one, and
 * runs each pod as a local process.
 *
 * @example
 * const k8s = await startFakeKubernetes()
 * const config = new KubeConfig()
 * config.loadFromString(k8s.kubeconfig())
 * try { ... } finally { await k8s.close() }
 */
export async function startFakeKubernetes(
  options: FakeKubernetesOptions = {},
): Promise<FakeKubernetes> {
  const token = options.token ?? randomBytes(16).toString('hex')
  const cluster = new Cluster()
  const watches = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    handle(cluster, token, watches, req, res).catch((error: unknown) => {
      const status =
        error instanceof ApiError
          ? error.status
          : new ApiError(
              500,
              'InternalError',
              error instanceof Error ? error.message : String(error),
            ).status
      if (res.headersSent) res.destroy()
      else send(res, status.code, status)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let closing: Promise<void> | undefined
  const resource = (kind: string): Resource => {
    const found = isResource(kind) ? kind : resourceOfKind(kind)
    if (!found) throw new Error(`the fake serves no kind ${kind}`)
    return found
  }
  return {
    url,
    token,
    kubeconfig: () => kubeconfig(url, token),
    close() {
      closing ??= (async () => {
        for (const watch of watches) watch.destroy()
        await cluster.runner.stopAll()
        await cluster.allPending()
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      })()
      return closing
    },
    breakWatches() {
      for (const watch of watches) watch.destroy()
    },
    compact: () => cluster.store.compact(),
    objects: (kind) => cluster.store.list(resource(kind)),
    oomKill: (namespace, podName) => cluster.runner.oomKill(namespace, podName),
  }
}

async function handle(
  cluster: Cluster,
  token: string,
  watches: Set<ServerResponse>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.headers.authorization !== `Bearer ${token}`) {
    throw new ApiError(401, 'Unauthorized', 'Unauthorized')
  }
  const url = new URL(req.url ?? '/', 'http://fake')
  const query = url.searchParams
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
  const method = req.method ?? 'GET'
  if (segments[0] === 'version' && segments.length === 1) {
    return send(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-fake', platform: 'fake' })
  }
  if (segments[0] !== 'api' || segments[1] !== 'v1') throw noRoute()
  const rest = segments.slice(2)

  // /api/v1/{resource}: every namespace at once, list and watch only.
  if (rest.length === 1 && isResource(rest[0] as string) && method === 'GET') {
    return listOrWatch(cluster, rest[0] as Resource, undefined, query, watches, res)
  }
  if (rest[0] !== 'namespaces' || rest.length < 3) throw noRoute()
  const namespace = rest[1] as string
  const resource = rest[2] as string
  if (!isResource(resource)) throw noRoute()
  const name = rest[3]

  if (rest.length === 3) {
    if (method === 'GET') {
      return listOrWatch(cluster, resource, namespace, query, watches, res)
    }
    if (method === 'POST') {
      return send(res, 201, cluster.create(resource, namespace, await readJson(req)))
    }
    throw notAllowed()
  }
  if (name === undefined) throw noRoute()
  if (rest.length === 4) {
    if (method === 'GET') return send(res, 200, cluster.get(resource, namespace, name))
    if (method === 'PUT') {
      return send(res, 200, cluster.replace(resource, namespace, name, await readJson(req)))
    }
    if (method === 'DELETE') {
      const body = (await readJson(req)) as { gracePeriodSeconds?: number } | undefined
      const grace = query.has('gracePeriodSeconds')
        ? whole(query.get('gracePeriodSeconds'), 'gracePeriodSeconds')
        : (body?.gracePeriodSeconds ?? null)
      const deleted = cluster.delete(resource, namespace, name, grace)
      // Secrets, like most kinds, answer a Status; pods, services and claims the object.
      if (resource === 'secrets') {
        return send(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name, kind: resource, uid: deleted.metadata.uid },
        })
      }
      return send(res, 200, deleted)
    }
    throw notAllowed()
  }
  if (rest.length === 5 && resource === 'pods' && rest[4] === 'log' && method === 'GET') {
    cluster.get('pods', namespace, name)
    const tail = query.get('tailLines')
    const text = cluster.runner.log(
      namespace,
      name,
      tail === null ? null : whole(tail, 'tailLines'),
    )
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) })
    res.end(text)
    return
  }
  throw noRoute()
}

function listOrWatch(
  cluster: Cluster,
  resource: Resource,
  namespace: string | undefined,
  query: URLSearchParams,
  watches: Set<ServerResponse>,
  res: ServerResponse,
): void {
  const labels = parseLabelSelector(query.get('labelSelector'))
  const fields = parseFieldSelector(query.get('fieldSelector'))
  const matches = (object: KubeObject) => labels(object.metadata.labels) && fields(object)
  const watch = query.get('watch')
  if (watch === 'true' || watch === '1') {
    const timeout = query.get('timeoutSeconds')
    serveWatch(
      cluster.store,
      {
        resource,
        namespace,
        matches,
        resourceVersion: query.get('resourceVersion'),
        timeoutSeconds: timeout === null ? null : whole(timeout, 'timeoutSeconds'),
      },
      res,
      watches,
    )
    return
  }
  send(res, 200, {
    kind: `${RESOURCES[resource]}List`,
    apiVersion: 'v1',
    metadata: { resourceVersion: String(cluster.store.resourceVersion) },
    items: cluster.store.list(resource, namespace).filter(matches),
  })
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw badRequest('the body of the request was in an unknown format')
  }
}

function whole(value: string | null, name: string): number {
  const number = Number(value)
  if (value === '' || !Number.isSafeInteger(number) || number < 0) {
    throw badRequest(`${name}: invalid value ${JSON.stringify(value)}`)
  }
  return number
}

function noRoute(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource')
}

function notAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method')
}

function kubeconfig(url: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node 1.x refuses a plain-http server unless TLS verification is off for it.
    clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake', user: { token } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
    'current-context': 'fake',
  })
}
