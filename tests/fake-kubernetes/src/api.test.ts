import { type ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Status } from './status.ts'
import { startTestCluster, type TestCluster } from './test-cluster.ts'

let cluster: TestCluster
beforeEach(async () => {
  cluster = await startTestCluster()
})
afterEach(async () => {
  await cluster.k8s.close()
})

async function failure(request: Promise<unknown>): Promise<{ code: number; status: Status }> {
  const error = await request.then(
    () => {
      throw new Error('the request succeeded')
    },
    (e: ApiException<string>) => e,
  )
  // client-node drops the body of a 401 (its generated code throws before reading it).
  return { code: error.code, status: (error.body ? JSON.parse(error.body) : undefined) as Status }
}

function configMapLike(name: string, labels: Record<string, string>) {
  return { metadata: { name, labels }, stringData: { value: name } }
}

describe('the core v1 REST API', () => {
  it('refuses a request without the bearer token with a 401 Status', async () => {
    const config = new KubeConfig()
    config.loadFromString(cluster.k8s.kubeconfig().replace(cluster.k8s.token, 'wrong'))
    const core = config.makeApiClient(CoreV1Api)
    const { code } = await failure(core.listNamespacedPod({ namespace: 'default' }))
    expect(code).toBe(401)
    const raw = await fetch(`${cluster.k8s.url}/api/v1/namespaces/default/pods`)
    expect(raw.status).toBe(401)
    expect(await raw.json()).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Unauthorized',
      code: 401,
    })
  })

  it('creates with metadata filled in, and answers a taken name with 409 AlreadyExists', async () => {
    const created = await cluster.core.createNamespacedSecret({
      namespace: 'team-a',
      body: { metadata: { name: 'token' }, stringData: { token: 'hunter2' } },
    })
    expect(created.metadata?.namespace).toBe('team-a')
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0)
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date)
    expect(created.data).toEqual({ token: Buffer.from('hunter2').toString('base64') })
    expect(created.stringData).toBeUndefined()
    expect(created.type).toBe('Opaque')

    const { code, status } = await failure(
      cluster.core.createNamespacedSecret({
        namespace: 'team-a',
        body: { metadata: { name: 'token' } },
      }),
    )
    expect(code).toBe(409)
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'AlreadyExists',
      message: 'secrets "token" already exists',
      details: { name: 'token', kind: 'secrets' },
    })
    // The same name in another namespace is another object.
    await cluster.core.createNamespacedSecret({
      namespace: 'team-b',
      body: { metadata: { name: 'token' } },
    })
  })

  it('answers a missing object with 404 NotFound', async () => {
    const { code, status } = await failure(
      cluster.core.readNamespacedService({ name: 'ghost', namespace: 'default' }),
    )
    expect(code).toBe(404)
    expect(status).toMatchObject({ reason: 'NotFound', message: 'services "ghost" not found' })
    const deleting = await failure(
      cluster.core.deleteNamespacedPersistentVolumeClaim({ name: 'ghost', namespace: 'default' }),
    )
    expect(deleting.code).toBe(404)
  })

  it('lists with every form of label selector', async () => {
    const objects = [
      configMapLike('a', { app: 'agent', tier: 'x' }),
      configMapLike('b', { app: 'agent', tier: 'y' }),
      configMapLike('c', { app: 'other' }),
      configMapLike('d', {}),
    ]
    for (const body of objects)
      await cluster.core.createNamespacedSecret({ namespace: 'default', body })
    const names = async (labelSelector?: string) => {
      const list = await cluster.core.listNamespacedSecret({ namespace: 'default', labelSelector })
      return list.items.map((item) => item.metadata?.name)
    }
    const all = await cluster.core.listNamespacedSecret({ namespace: 'default' })
    expect(all.kind).toBe('SecretList')
    expect(all.apiVersion).toBe('v1')
    expect(Number(all.metadata?.resourceVersion)).toBeGreaterThanOrEqual(4)
    expect(await names()).toEqual(['a', 'b', 'c', 'd'])
    expect(await names('app=agent')).toEqual(['a', 'b'])
    expect(await names('app==agent,tier=y')).toEqual(['b'])
    expect(await names('app!=agent')).toEqual(['c', 'd'])
    expect(await names('tier')).toEqual(['a', 'b'])
    expect(await names('!tier')).toEqual(['c', 'd'])
    expect(await names('app in (agent,other),!tier')).toEqual(['c'])
    expect(await names('tier notin (x)')).toEqual(['b', 'c', 'd'])
    const { code } = await failure(
      cluster.core.listNamespacedSecret({ namespace: 'default', labelSelector: 'a b' }),
    )
    expect(code).toBe(400)
    const everywhere = await cluster.core.listSecretForAllNamespaces({ labelSelector: 'app' })
    expect(everywhere.items).toHaveLength(3)
  })

  it('deletes a Service, a claim and a Secret at once, and what they own with them', async () => {
    const claim = await cluster.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: {
        metadata: { name: 'workspace' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    })
    expect(claim.status?.phase).toBe('Bound')
    const owner = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: 'workspace',
      uid: claim.metadata?.uid as string,
    }
    await cluster.core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'owned', ownerReferences: [owner] } },
    })
    await cluster.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'owned' }, spec: { ports: [{ port: 80 }] } },
    })
    const deleted = await cluster.core.deleteNamespacedPersistentVolumeClaim({
      name: 'workspace',
      namespace: 'default',
    })
    expect(deleted.metadata?.name).toBe('workspace')
    expect(cluster.k8s.objects('PersistentVolumeClaim')).toEqual([])
    expect(cluster.k8s.objects('secrets')).toEqual([])
    expect(cluster.k8s.objects('Service').map((s) => s.metadata.name)).toEqual(['owned'])
    const service = await cluster.core.deleteNamespacedService({
      name: 'owned',
      namespace: 'default',
    })
    expect(service.metadata?.name).toBe('owned')
    expect(cluster.k8s.objects('Service')).toEqual([])
  })

  it('replaces an object with PUT, under optimistic concurrency', async () => {
    const created = await cluster.core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'rotating' }, stringData: { secret: 'one' } },
    })
    const replaced = await cluster.core.replaceNamespacedSecret({
      name: 'rotating',
      namespace: 'default',
      body: {
        metadata: { name: 'rotating', resourceVersion: created.metadata?.resourceVersion },
        stringData: { secret: 'two' },
      },
    })
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid)
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    )
    expect(replaced.data).toEqual({ secret: Buffer.from('two').toString('base64') })

    const stale = await failure(
      cluster.core.replaceNamespacedSecret({
        name: 'rotating',
        namespace: 'default',
        body: {
          metadata: { name: 'rotating', resourceVersion: created.metadata?.resourceVersion },
        },
      }),
    )
    expect(stale.code).toBe(409)
    expect(stale.status.reason).toBe('Conflict')
    const missing = await failure(
      cluster.core.replaceNamespacedSecret({
        name: 'ghost',
        namespace: 'default',
        body: { metadata: { name: 'ghost' } },
      }),
    )
    expect(missing.code).toBe(404)
  })
})
