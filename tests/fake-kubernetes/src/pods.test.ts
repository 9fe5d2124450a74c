import { connect } from 'node:net'
import { eventually } from '@agentapi-proxy/server/testing'
import { type ApiException, type V1Pod, Watch } from '@kubernetes/client-node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AGENT_PORT,
  agentPod,
  containerState,
  isReady,
  startTestCluster,
  type TestCluster,
} from './test-cluster.ts'

let cluster: TestCluster
beforeEach(async () => {
  cluster = await startTestCluster()
})
afterEach(async () => {
  await cluster.k8s.close()
})

const namespace = 'default'

async function startAgent(name: string): Promise<{ pod: V1Pod; secret: string }> {
  const secret = `secret-of-${name}`
  await cluster.core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: `${name}-secret` }, stringData: { secret } },
  })
  await cluster.core.createNamespacedPod({ namespace, body: agentPod(name, secret) })
  const pod = await eventually(async () => {
    const current = await cluster.core.readNamespacedPod({ name, namespace })
    return isReady(current) ? current : undefined
  }, 15_000)
  return { pod, secret }
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('a pod runs as a local process', () => {
  it('becomes Running and Ready, and its agent answers on the pod IP with the secret only', async () => {
    const created = await cluster.core.createNamespacedPod({
      namespace,
      body: agentPod('first', 'not-yet'),
    })
    expect(created.status?.phase).toBe('Pending')
    expect(containerState(created)?.waiting?.reason).toBe('ContainerCreating')
    expect(created.status?.podIP).toMatch(/^127\.\d+\.\d+\.2$/)
    await cluster.core.deleteNamespacedPod({ name: 'first', namespace, gracePeriodSeconds: 0 })

    const { pod, secret } = await startAgent('agent')
    expect(pod.status?.phase).toBe('Running')
    expect(containerState(pod)?.running?.startedAt).toBeDefined()
    expect(pod.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status).toBe('True')
    const ip = pod.status?.podIP as string
    expect(ip).not.toBe(created.status?.podIP)

    const status = await fetch(`http://${ip}:${AGENT_PORT}/status`, {
      headers: { 'x-agentapi-proxy-secret': secret },
    })
    expect(status.status).toBe(200)
    const body = (await status.json()) as { status: string }
    expect(['running', 'stable']).toContain(body.status)
    const refused = await fetch(`http://${ip}:${AGENT_PORT}/status`)
    expect(refused.status).toBe(401)
    // It listens on the pod's IP only, as a pod's port is not on the node's loopback.
    expect(await portAnswers('127.0.0.1', AGENT_PORT)).toBe(false)
  })

  it('gives a Service the IP of the pod it selects: a message round trip through it', async () => {
    const { pod, secret } = await startAgent('svc')
    const service = await cluster.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'svc' },
        spec: { selector: { session: 'svc' }, ports: [{ port: AGENT_PORT }] },
      },
    })
    expect(service.spec?.clusterIP).toBe(pod.status?.podIP)
    const agent = `http://${service.spec?.clusterIP}:${AGENT_PORT}`
    const headers = { 'x-agentapi-proxy-secret': secret, 'content-type': 'application/json' }
    await eventually(async () => {
      const res = await fetch(`${agent}/status`, { headers })
      const body = (await res.json()) as { status: string }
      return body.status === 'stable' ? true : undefined
    })
    const sent = await fetch(`${agent}/message`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ content: 'hello from the pod', type: 'user' }),
    })
    expect(sent.status).toBe(200)
    await eventually(async () => {
      const res = await fetch(`${agent}/messages`, { headers })
      const { messages } = (await res.json()) as { messages: { content: string }[] }
      return messages.some((m) => m.content.includes('Echo: hello from the pod')) ? true : undefined
    })
  })

  it('starts a new pod of the same name while the one deleted with grace 0 is still killed', async () => {
    const { pod: old } = await startAgent('again')
    await cluster.core.deleteNamespacedPod({ name: 'again', namespace, gracePeriodSeconds: 0 })
    await cluster.core.createNamespacedPod({
      namespace,
      body: agentPod('again', 'secret-of-again'),
    })
    const fresh = await eventually(async () => {
      const current = await cluster.core.readNamespacedPod({ name: 'again', namespace })
      return isReady(current) ? current : undefined
    })
    expect(fresh.metadata?.uid).not.toBe(old.metadata?.uid)
    expect(await portAnswers(old.status?.podIP as string, AGENT_PORT)).toBe(false)
    // The old container's end is not written into the new pod's status.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const later = await cluster.core.readNamespacedPod({ name: 'again', namespace })
    expect(containerState(later)?.running).toBeDefined()
    expect(isReady(later)).toBe(true)
  })

  it("serves the process's output as the pod log, with tailLines", async () => {
    await startAgent('logs')
    const log = await cluster.core.readNamespacedPodLog({ name: 'logs', namespace })
    expect(log).toContain(String(AGENT_PORT))
    const lines = log.trimEnd().split('\n')
    expect(lines.length).toBeGreaterThan(1)
    const tail = await cluster.core.readNamespacedPodLog({ name: 'logs', namespace, tailLines: 1 })
    expect(tail).toBe(`${lines.at(-1)}\n`)
  })

  it('deletes with a grace period: SIGTERM, then the pod and the Service it owns are gone', async () => {
    const { pod } = await startAgent('doomed')
    const ip = pod.status?.podIP as string
    await cluster.core.createNamespacedService({
      namespace,
      body: {
        metadata: {
          name: 'doomed',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'Pod', name: 'doomed', uid: pod.metadata?.uid as string },
          ],
        },
        spec: { selector: { session: 'doomed' }, ports: [{ port: AGENT_PORT }] },
      },
    })
    const deleted = await cluster.core.deleteNamespacedPod({
      name: 'doomed',
      namespace,
      gracePeriodSeconds: 10,
    })
    expect(deleted.metadata?.deletionTimestamp).toBeDefined()
    expect(deleted.metadata?.deletionGracePeriodSeconds).toBe(10)
    await eventually(async () => (cluster.k8s.objects('Pod').length === 0 ? true : undefined))
    await eventually(async () => (cluster.k8s.objects('Service').length === 0 ? true : undefined))
    await expectNotFound(cluster.core.readNamespacedService({ name: 'doomed', namespace }))
    expect(await portAnswers(ip, AGENT_PORT)).toBe(false)
  })

  it('SIGKILLs a container that ignores SIGTERM once the grace period is over', async () => {
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'stubborn' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox',
              command: ['sh', '-c', 'trap "" TERM; echo started; sleep 60'],
            },
          ],
        },
      },
    })
    await eventually(async () => {
      const log = await cluster.core
        .readNamespacedPodLog({ name: 'stubborn', namespace })
        .catch(() => '')
      return log.includes('started') ? true : undefined
    })
    const start = Date.now()
    await cluster.core.deleteNamespacedPod({ name: 'stubborn', namespace, gracePeriodSeconds: 1 })
    await eventually(async () => (cluster.k8s.objects('Pod').length === 0 ? true : undefined))
    const took = Date.now() - start
    expect(took).toBeGreaterThanOrEqual(900)
    expect(took).toBeLessThan(8_000)
  })

  it('close() kills a container still within its grace period, and waits for it', async () => {
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'lingering' },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'busybox',
              command: ['sh', '-c', 'trap "" TERM; echo $$; sleep 60'],
            },
          ],
        },
      },
    })
    const pid = await eventually(async () => {
      const log = await cluster.core
        .readNamespacedPodLog({ name: 'lingering', namespace })
        .catch(() => '')
      return /^\d+\n/.test(log) ? Number(log.trim()) : undefined
    })
    await cluster.core.deleteNamespacedPod({ name: 'lingering', namespace, gracePeriodSeconds: 60 })
    const start = Date.now()
    await cluster.k8s.close()
    expect(Date.now() - start).toBeLessThan(5_000)
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/)
  })

  it('reports a command that cannot be started as terminated: StartError, 128', async () => {
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'typo' },
        spec: {
          containers: [{ name: 'main', image: 'busybox', command: ['no-such-program-here'] }],
        },
      },
    })
    const pod = await eventually(async () => {
      const current = await cluster.core.readNamespacedPod({ name: 'typo', namespace })
      return current.status?.phase === 'Failed' ? current : undefined
    })
    expect(containerState(pod)?.terminated).toMatchObject({ exitCode: 128, reason: 'StartError' })
  })

  it('reports a container that exits by itself as terminated: Failed with its exit code', async () => {
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'crash' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            { name: 'main', image: 'busybox', command: ['sh', '-c', 'echo bye; exit 3'] },
          ],
        },
      },
    })
    const pod = await eventually(async () => {
      const current = await cluster.core.readNamespacedPod({ name: 'crash', namespace })
      return current.status?.phase === 'Failed' ? current : undefined
    })
    expect(containerState(pod)?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' })
    expect(await cluster.core.readNamespacedPodLog({ name: 'crash', namespace })).toBe('bye\n')
  })

  it("builds the container's environment from env, secretKeyRef, envFrom and fieldRef", async () => {
    await cluster.core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'creds' },
        data: { FROM_DATA: Buffer.from('data-value').toString('base64') },
        stringData: { TOKEN: 'token-value' },
      },
    })
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'env' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox',
              command: ['sh', '-c'],
              args: [
                'echo "$PLAIN $SECRET $S_FROM_DATA $S_TOKEN $POD_NAME $AGENTAPI_PROXY_AGENT_HOST"',
              ],
              envFrom: [{ prefix: 'S_', secretRef: { name: 'creds' } }],
              env: [
                { name: 'PLAIN', value: 'plain' },
                { name: 'SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'TOKEN' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
            },
          ],
        },
      },
    })
    const pod = await eventually(async () => {
      const current = await cluster.core.readNamespacedPod({ name: 'env', namespace })
      return current.status?.phase === 'Succeeded' ? current : undefined
    })
    expect(containerState(pod)?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' })
    expect(await cluster.core.readNamespacedPodLog({ name: 'env', namespace })).toBe(
      `plain token-value data-value token-value env ${pod.status?.podIP}\n`,
    )
  })

  it('does not start a container whose Secret is missing: CreateContainerConfigError', async () => {
    await cluster.core.createNamespacedPod({ namespace, body: agentPod('orphan', 'x') })
    const pod = await eventually(async () => {
      const current = await cluster.core.readNamespacedPod({ name: 'orphan', namespace })
      return containerState(current)?.waiting?.reason === 'CreateContainerConfigError'
        ? current
        : undefined
    })
    expect(containerState(pod)?.waiting?.message).toBe('secret "orphan-secret" not found')
    expect(pod.status?.phase).toBe('Pending')
  })

  it('never starts an image that does not exist: ErrImagePull, then ImagePullBackOff', async () => {
    await cluster.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'nope-secret' }, stringData: { secret: 's' } },
    })
    // Through a watch, since ErrImagePull shows only briefly before the back-off.
    const reasons: string[] = []
    const watch = await new Watch(cluster.config).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      {},
      (_type, pod: V1Pod) => {
        const reason = containerState(pod)?.waiting?.reason
        if (reason && reasons.at(-1) !== reason) reasons.push(reason)
      },
      () => {},
    )
    try {
      await cluster.core.createNamespacedPod({
        namespace,
        body: agentPod('nope', 's', 'registry.example/agentapi-does-not-exist:1'),
      })
      await eventually(async () => (reasons.includes('ImagePullBackOff') ? true : undefined))
    } finally {
      watch.abort()
    }
    expect(reasons).toEqual(['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff'])
    const pod = await cluster.core.readNamespacedPod({ name: 'nope', namespace })
    expect(pod.status?.phase).toBe('Pending')
    await expect(cluster.core.readNamespacedPodLog({ name: 'nope', namespace })).rejects.toThrow(
      /waiting to start: ImagePullBackOff/,
    )
  })

  it('reports an OOM kill as OOMKilled with exit code 137', async () => {
    const { pod } = await startAgent('hungry')
    cluster.k8s.oomKill(namespace, 'hungry')
    const killed = await eventually(async () => {
      const current = await cluster.core.readNamespacedPod({ name: 'hungry', namespace })
      return containerState(current)?.terminated ? current : undefined
    })
    expect(containerState(killed)?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' })
    expect(killed.status?.phase).toBe('Failed')
    expect(isReady(killed)).toBe(false)
    expect(await portAnswers(pod.status?.podIP as string, AGENT_PORT)).toBe(false)
  })
})

async function expectNotFound(request: Promise<unknown>): Promise<void> {
  const error = (await request.then(
    () => undefined,
    (e: unknown) => e,
  )) as ApiException<string> | undefined
  expect(error?.code).toBe(404)
}
