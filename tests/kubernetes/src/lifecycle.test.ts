// What outlives one proxy process on Kubernetes: a crash (kill -9) and restart adopts the pods
// of its sessions; pods with our labels and no session are deleted; two replicas on one
// PostgreSQL share one set of pods.
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type FakeKubernetes, startFakeKubernetes } from '@agentapi-proxy/fake-kubernetes'
import { eventually, stopGroup, TempDirs } from '@agentapi-proxy/server/testing'
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
// The server as its own process, as the restart tests of the server package run it.
import {
  type ServerProcess,
  startServerProcess,
} from '../../../packages/server/test/server-process.ts'

const POSTGRES_URL =
  process.env.AGENTAPI_PROXY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const KEY = { AGENTAPI_PROXY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }
const dirs = new TempDirs()
const servers: ServerProcess[] = []
const fakes: FakeKubernetes[] = []
const schemas: string[] = []

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => stopGroup(s.child, { signal: 'SIGTERM', graceMs: 10_000 })),
  )
  for (const fake of fakes.splice(0)) await fake.close()
  await dirs.removeAll()
})
afterAll(async () => {
  if (schemas.length === 0) return
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  await admin.connect()
  for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`)
  await admin.end()
})

async function setup() {
  const fake = await startFakeKubernetes()
  fakes.push(fake)
  const dir = dirs.make('aap-kube-life-')
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, fake.kubeconfig())
  const configFor = (name: string, extra: Record<string, unknown> = {}) => {
    const file = join(dir, `${name}.json`)
    writeFileSync(
      file,
      JSON.stringify({
        port: 0,
        persistence: { path: join(dir, 'proxy.sqlite') },
        provisioner: { kind: 'kubernetes', kubeconfig, image: 'agentapi-proxy/agent:test' },
        session: { workdir_root: join(dir, 'sessions'), inherit_env: ['ECHO_AGENT_DELAY_MS'] },
        ...extra,
      }),
    )
    return file
  }
  const kc = new KubeConfig()
  kc.loadFromString(fake.kubeconfig())
  return { fake, configFor, core: kc.makeApiClient(CoreV1Api) }
}

async function start(configFile: string): Promise<ServerProcess> {
  const server = await startServerProcess(configFile, { ...KEY, ECHO_AGENT_DELAY_MS: '20' })
  servers.push(server)
  return server
}

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init)
  return { status: res.status, body: await res.json().catch(() => null) }
}

async function startSession(server: ServerProcess): Promise<string> {
  const started = await json(`${server.url}/start`, { method: 'POST' })
  expect(started.status).toBe(201)
  const id = started.body.session_id as string
  await eventually(async () => {
    const { body } = await json(`${server.url}/${id}/status`)
    return body?.status === 'stable' ? true : undefined
  }, 20_000)
  return id
}

const podUids = (fake: FakeKubernetes) =>
  fake.objects('pods').map((pod: { metadata?: { uid?: string } }) => pod.metadata?.uid)

describe('sessions on Kubernetes across proxy processes', () => {
  it('a proxy killed with SIGKILL adopts its pods when it comes back, and deletes orphan pods', async () => {
    const { fake, configFor, core } = await setup()
    const config = configFor('proxy')
    const first = await start(config)
    const id = await startSession(first)
    const before = podUids(fake)
    expect(before).toHaveLength(1)
    await stopGroup(first.child) // SIGKILL: the pod stays
    // A pod with our labels that no session knows, as a crash mid-start could leave.
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: {
          name: 'agentapi-orphan',
          labels: {
            'app.kubernetes.io/name': 'agentapi-agent',
            'app.kubernetes.io/managed-by': 'agentapi-proxy',
          },
          annotations: { 'agentapi-proxy/session-id': 'no-such-session' },
        },
        spec: { containers: [{ name: 'agent', image: 'agentapi-proxy/agent:test' }] },
      },
    })
    const second = await start(config)
    await eventually(async () => {
      const { body } = await json(`${second.url}/${id}/status`)
      return body?.status === 'stable' ? true : undefined
    }, 20_000)
    expect(podUids(fake)).toEqual(before) // adopted: the same pod, no second one, orphan gone
    expect((await json(`${second.url}/sessions/${id}`)).body.status).toBe('active')
    const logs = await json(`${second.url}/sessions/${id}/logs`)
    expect(logs.status).toBe(200)
    expect(Array.isArray(logs.body.lines)).toBe(true)
  }, 90_000)

  it('two replicas on one PostgreSQL share one set of pods', async () => {
    const { fake, configFor } = await setup()
    const schema = `aap_kube_${randomBytes(5).toString('hex')}`
    schemas.push(schema)
    const shared = (id: string) =>
      configFor(id, {
        persistence: { backend: 'postgres', url: POSTGRES_URL, schema },
        // Long enough that a loaded machine never lets A's lease lapse: B must proxy to A's pod,
        // not take the session over (a take-over answers 503 while it adopts).
        replica: { id, lease: '15s' },
      })
    const a = await start(shared('a'))
    const b = await start(shared('b'))
    const id = await startSession(a)
    const sent = await json(`${b.url}/${id}/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'through b', type: 'user' }),
    })
    expect(sent.status).toBe(200)
    expect(fake.objects('pods')).toHaveLength(1) // B did not start its own
    expect((await json(`${b.url}/sessions/${id}`, { method: 'DELETE' })).status).toBe(200)
    await eventually(async () => (fake.objects('pods').length === 0 ? true : undefined))
  }, 90_000)
})
