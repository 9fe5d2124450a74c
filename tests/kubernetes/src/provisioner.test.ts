// Sessions on Kubernetes, end to end through the real @kubernetes/client-node against the
// wire-level fake API server (tests/fake-kubernetes), which runs each Pod as a local echo agent.
import { writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { type FakeKubernetes, startFakeKubernetes } from '@agentapi-proxy/fake-kubernetes'
import {
  eventually,
  startTestServer,
  TempDirs,
  type TestServer,
} from '@agentapi-proxy/server/testing'
import { afterEach, describe, expect, it } from 'vitest'

// What the provisioner names every object of a session.
const objectName = (sessionId: string) => `agentapi-${sessionId}`

const dirs = new TempDirs()
const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close()
  await dirs.removeAll()
})

async function cluster(): Promise<{ fake: FakeKubernetes; kubeconfig: string }> {
  const fake = await startFakeKubernetes()
  open.push(fake)
  const kubeconfig = join(dirs.make('aap-kube-'), 'kubeconfig')
  writeFileSync(kubeconfig, fake.kubeconfig())
  return { fake, kubeconfig }
}

async function proxyOn(kubeconfig: string, extra: Record<string, unknown> = {}) {
  const server = await startTestServer({
    provisioner: { kind: 'kubernetes', kubeconfig, image: 'agentapi-proxy/agent:test', ...extra },
    session: {
      inherit_env: ['ECHO_AGENT_DELAY_MS'],
      environment: { allow: ['NOTE'] },
    },
  })
  open.push(server)
  return server
}

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init)
  return { status: res.status, body: await res.json().catch(() => null) }
}

async function startSession(server: TestServer, body: object = {}) {
  const started = await json(`${server.url}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ environment: {}, ...body }),
  })
  expect(started.status).toBe(201)
  return started.body.session_id as string
}

async function until(server: TestServer, id: string, status: string) {
  return eventually(async () => {
    const { body } = await json(`${server.url}/sessions/${id}`)
    if (body?.status === status) return body
    if (body?.status === 'failed' && status !== 'failed')
      throw new Error(`session failed: ${body.error}\n${server.logs().slice(-3000)}`)
    return undefined
  }, 20_000)
}

function firstEvent(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.once('data', (chunk: Buffer) => {
        resolve(chunk.toString())
        req.destroy()
      })
    })
    req.on('error', reject)
    req.end()
  })
}

const names = (fake: FakeKubernetes, kind: string) =>
  fake.objects(kind).map((o: { metadata?: { name?: string } }) => o.metadata?.name)

describe('the kubernetes provisioner', () => {
  it('runs a session as a Pod, a Service and a Secret, proxies it, and deletes them all', async () => {
    const { fake, kubeconfig } = await cluster()
    const server = await proxyOn(kubeconfig)
    const id = await startSession(server, { environment: { NOTE: 'not-in-the-pod-spec' } })
    await until(server, id, 'active')
    const name = objectName(id)
    expect(names(fake, 'pods')).toEqual([name])
    expect(names(fake, 'services')).toEqual([name])
    expect(names(fake, 'secrets')).toEqual([name])
    const [pod] = fake.objects('pods') as { metadata: { labels: Record<string, string> } }[]
    expect(pod?.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'agentapi-proxy',
      'agentapi-proxy/session-id': id,
    })
    expect(JSON.stringify(pod)).not.toContain('not-in-the-pod-spec')

    const status = await eventually(async () => {
      const { body } = await json(`${server.url}/${id}/status`)
      return body?.status === 'stable' ? body : undefined
    })
    expect(status.status).toBe('stable')
    const sent = await json(`${server.url}/${id}/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hello pod', type: 'user' }),
    })
    expect(sent.status).toBe(200)
    await eventually(async () => {
      const { body } = await json(`${server.url}/${id}/messages`)
      return body?.messages?.at(-1)?.content?.includes('hello pod') ? true : undefined
    })
    expect(await firstEvent(`${server.url}/${id}/events`)).toMatch(/^event: /m)

    expect((await json(`${server.url}/sessions/${id}`, { method: 'DELETE' })).status).toBe(200)
    await eventually(async () =>
      ['pods', 'services', 'secrets'].every((kind) => fake.objects(kind).length === 0)
        ? true
        : undefined,
    )
  }, 60_000)

  it('fails a session whose image cannot be pulled, with the reason', async () => {
    const { kubeconfig } = await cluster()
    const server = await proxyOn(kubeconfig, { image: 'registry.example/does-not-exist:1' })
    const id = await startSession(server)
    expect((await until(server, id, 'failed')).error).toMatch(/ImagePullBackOff|ErrImagePull/)
  }, 60_000)

  it('fails a session whose agent is OOMKilled, with the reason and exit code', async () => {
    const { fake, kubeconfig } = await cluster()
    const server = await proxyOn(kubeconfig)
    const id = await startSession(server)
    await until(server, id, 'active')
    fake.oomKill('default', objectName(id))
    const failed = await until(server, id, 'failed')
    expect(failed.error).toMatch(/OOMKilled/)
    expect(failed.exit_code).toBe(137)
  }, 60_000)

  it('keeps following pods after a broken watch and a 410 Gone', async () => {
    const { fake, kubeconfig } = await cluster()
    const server = await proxyOn(kubeconfig)
    const id = await startSession(server)
    await until(server, id, 'active')
    fake.breakWatches()
    fake.compact()
    fake.breakWatches()
    // A change after both is still seen: the informer was restarted and listed again.
    await new Promise((resolve) => setTimeout(resolve, 500))
    fake.oomKill('default', objectName(id))
    expect((await until(server, id, 'failed')).error).toMatch(/OOMKilled/)
  }, 60_000)
})
