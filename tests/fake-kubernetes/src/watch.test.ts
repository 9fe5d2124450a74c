import { eventually } from '@agentapi-proxy/server/testing'
import {
  type KubernetesObject,
  makeInformer,
  type V1Pod,
  type V1Secret,
  Watch,
} from '@kubernetes/client-node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestCluster, type TestCluster } from './test-cluster.ts'

let cluster: TestCluster
const stops: (() => unknown)[] = []
beforeEach(async () => {
  cluster = await startTestCluster()
})
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop()
  await cluster.k8s.close()
})

const namespace = 'default'
const secrets = `/api/v1/namespaces/${namespace}/secrets`

interface Seen {
  events: { type: string; name: string | undefined; object: KubernetesObject }[]
  done: Promise<unknown>
}

async function watch(path: string, resourceVersion?: string): Promise<Seen> {
  const events: Seen['events'] = []
  let finish: (error: unknown) => void = () => {}
  const done = new Promise((resolve) => {
    finish = resolve
  })
  const controller = await new Watch(cluster.config).watch(
    path,
    resourceVersion === undefined ? {} : { resourceVersion },
    (type, object: KubernetesObject) => events.push({ type, name: object.metadata?.name, object }),
    (error) => finish(error ?? 'closed'),
  )
  stops.push(() => controller.abort())
  return { events, done }
}

function secret(name: string) {
  return cluster.core.createNamespacedSecret({ namespace, body: { metadata: { name } } })
}

describe('watch', () => {
  it('streams the current objects, then every change, as newline-delimited events', async () => {
    await secret('before')
    const seen = await watch(secrets)
    await eventually(async () => (seen.events.length === 1 ? true : undefined))
    await secret('after')
    await cluster.core.deleteNamespacedSecret({ name: 'before', namespace })
    await eventually(async () => (seen.events.length === 3 ? true : undefined))
    expect(seen.events.map(({ type, name }) => [type, name])).toEqual([
      ['ADDED', 'before'],
      ['ADDED', 'after'],
      ['DELETED', 'before'],
    ])
    const versions = seen.events.map(({ object }) => Number(object.metadata?.resourceVersion))
    expect(versions[1]).toBeLessThan(versions[2] as number)
  })

  it('replays what happened after a resourceVersion, across resources under one counter', async () => {
    const first = await secret('one')
    await cluster.core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'between' }, spec: { ports: [{ port: 80 }] } },
    })
    await secret('two')
    const seen = await watch(secrets, first.metadata?.resourceVersion)
    await eventually(async () => (seen.events.length === 1 ? true : undefined))
    expect(seen.events[0]).toMatchObject({ type: 'ADDED', name: 'two' })
    expect(Number(seen.events[0]?.object.metadata?.resourceVersion)).toBe(
      Number(first.metadata?.resourceVersion) + 2,
    )
  })

  it('answers a watch from a compacted resourceVersion with an ERROR event: 410 Expired', async () => {
    const old = await secret('old')
    await secret('newer')
    cluster.k8s.compact()
    const seen = await watch(secrets, old.metadata?.resourceVersion)
    // The stream ends after the one event, without an error: the status is in the event.
    expect(await seen.done).toBe('closed')
    expect(seen.events).toHaveLength(1)
    expect(seen.events[0]?.type).toBe('ERROR')
    expect(seen.events[0]?.object).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    })
  })
})

describe('a watch on pods', () => {
  it('sees each status change as a MODIFIED event with a higher resourceVersion', async () => {
    const seen = await watch(`/api/v1/namespaces/${namespace}/pods`)
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'short' },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'sleep 0.5'] }],
        },
      },
    })
    await eventually(async () =>
      seen.events.some((e) => (e.object as V1Pod).status?.phase === 'Succeeded') ? true : undefined,
    )
    const steps = seen.events.map(({ type, object }) => {
      const pod = object as V1Pod
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '-'
      return `${type} ${pod.status?.phase} ready=${ready}`
    })
    expect(steps).toEqual([
      'ADDED Pending ready=-',
      'MODIFIED Running ready=-',
      'MODIFIED Running ready=True',
      'MODIFIED Succeeded ready=False',
    ])
    const versions = seen.events.map(({ object }) => Number(object.metadata?.resourceVersion))
    expect([...versions].sort((a, b) => a - b)).toEqual(versions)
    expect(new Set(versions).size).toBe(versions.length)
  })
})

describe('an informer', () => {
  it('sees a watch broken mid-stream as an error, and resumes without listing again on start()', async () => {
    let lists = 0
    const informer = makeInformer(cluster.config, `/api/v1/namespaces/${namespace}/pods`, () => {
      lists++
      return cluster.core.listNamespacedPod({ namespace })
    })
    const errors: unknown[] = []
    informer.on('error', (error) => errors.push(error))
    await informer.start()
    stops.push(() => informer.stop())
    const pod = (name: string): V1Pod => ({
      metadata: { name },
      spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '60'] }] },
    })
    await cluster.core.createNamespacedPod({ namespace, body: pod('a') })
    await eventually(async () => (informer.get('a', namespace) ? true : undefined))

    cluster.k8s.breakWatches()
    await eventually(async () => (errors.length > 0 ? true : undefined))
    expect((errors[0] as { code?: string }).code).toBe('ERR_STREAM_PREMATURE_CLOSE')
    await cluster.core.createNamespacedPod({ namespace, body: pod('b') })
    // A stopped informer stays stopped: client-node 1.4.0 restarts only after a clean end.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(informer.get('b', namespace)).toBeUndefined()

    await informer.start()
    await eventually(async () =>
      informer.get('b', namespace)?.status?.phase === 'Running' ? true : undefined,
    )
    expect(lists).toBe(1)
  })

  it('lists again after a 410 from a compacted history, seeing what it missed', async () => {
    let lists = 0
    const informer = makeInformer(cluster.config, secrets, () => {
      lists++
      return cluster.core.listNamespacedSecret({ namespace })
    })
    const deleted: string[] = []
    const errors: unknown[] = []
    informer.on('delete', (object: V1Secret) => deleted.push(object.metadata?.name ?? ''))
    informer.on('error', (error) => errors.push(error))
    await secret('kept')
    await secret('dropped')
    await informer.start()
    stops.push(() => informer.stop())
    await eventually(async () => (informer.list(namespace).length === 2 ? true : undefined))

    cluster.k8s.breakWatches()
    await eventually(async () => (errors.length > 0 ? true : undefined))
    await cluster.core.deleteNamespacedSecret({ name: 'dropped', namespace })
    await secret('added')
    cluster.k8s.compact()

    await informer.start()
    await eventually(async () => (lists === 2 ? true : undefined))
    await eventually(async () => (informer.get('added', namespace) ? true : undefined))
    expect(
      informer
        .list(namespace)
        .map((s) => s.metadata?.name)
        .sort(),
    ).toEqual(['added', 'kept'])
    expect(deleted).toEqual(['dropped'])
    // And it keeps watching from the list's resourceVersion.
    await secret('later')
    await eventually(async () => (informer.get('later', namespace) ? true : undefined))
  })
})
