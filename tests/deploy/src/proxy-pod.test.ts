import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type FakeKubernetes, startFakeKubernetes } from '@agentapi-proxy/fake-kubernetes'
import { eventually, removeTempDir, spawnInGroup, stopGroup } from '@agentapi-proxy/server/testing'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { describeWithPostgres, POSTGRES_URL } from '../../../packages/server/test/postgres.ts'
import { kubectlVersion, kustomize, type Manifest } from './render.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CLI = join(ROOT, 'packages/cli/bin/agentapi-proxy.js')
const POD_NAME = 'agentapi-proxy-5d8f7c9b6-q2w4e'

interface EnvVar {
  name: string
  value?: string
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } }
}

/**
 * The container's environment as the kubelet would build it: literal values, the downward API
 * fields the Deployment names, and the operator's Secret (here: made up for the test).
 */
function podEnv(env: EnvVar[], secret: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = {
    'metadata.name': POD_NAME,
    'metadata.namespace': 'agentapi',
  }
  return Object.fromEntries(
    env.map(({ name, value, valueFrom }) => {
      const resolved =
        value ??
        (valueFrom?.fieldRef && fields[valueFrom.fieldRef.fieldPath]) ??
        (valueFrom?.secretKeyRef && secret[valueFrom.secretKeyRef.key])
      if (resolved === undefined)
        throw new Error(`${name}: the test cannot resolve ${JSON.stringify(valueFrom)}`)
      return [name, resolved]
    }),
  )
}

// The rendered Deployment, config and Secret references run as the pod would run them (the CLI
// from source instead of the image), against a real PostgreSQL: the proxy must come up ready,
// as the replica the pod name says, with auth on.
await describeWithPostgres('the proxy, run as its pod runs it', () => {
  const kubectl = kubectlVersion()
  // kustomize.test.ts fails in CI without kubectl; this file need not say it twice.
  if (!kubectl) {
    it.skip('kubectl is not on PATH: nothing to render', () => {})
    return
  }
  const schema = `aap_test_${randomBytes(6).toString('hex')}`
  const adminKey = randomBytes(32).toString('hex')
  const metricsToken = randomBytes(32).toString('hex')
  let dir = ''
  let child: ChildProcess | undefined
  let url = ''
  let banner = ''
  let cluster: FakeKubernetes | undefined

  beforeAll(async () => {
    const { manifests } = kustomize(join(ROOT, 'deploy/kustomize/overlays/example'))
    const configMap = manifests.find(({ kind }) => kind === 'ConfigMap') as Manifest & {
      data: Record<string, string>
    }
    const deployment = manifests.find(({ kind }) => kind === 'Deployment') as Manifest & {
      spec: { template: { spec: { containers: { args: string[]; env: EnvVar[] }[] } } }
    }
    const container = deployment.spec.template.spec.containers[0]
    if (!container) throw new Error('the Deployment has no container')

    const config = parseDocument(configMap.data['config.yaml'] ?? '')
    // A schema of its own per run, so that no earlier run's encryption key is found there.
    config.setIn(['persistence', 'schema'], schema)
    dir = mkdtempSync(join(tmpdir(), 'aap-deploy-pod-'))
    const file = join(dir, 'config.yaml')
    writeFileSync(file, config.toString())
    // The pod's working directory is an emptyDir volume.
    const workdir = join(dir, 'data')
    mkdirSync(workdir)

    // The cluster: in a pod, client-node finds the API server from the service account; here,
    // from KUBECONFIG, which names the fake.
    cluster = await startFakeKubernetes()
    const kubeconfig = join(dir, 'kubeconfig')
    writeFileSync(kubeconfig, cluster.kubeconfig())

    const secret = {
      'encryption-key': randomBytes(32).toString('base64'),
      'admin-api-key': adminKey,
      'metrics-token': metricsToken,
      'postgres-url': POSTGRES_URL,
    }
    // The ConfigMap's mount path is the file's directory; --port 0 because 8080 may be taken.
    const args = container.args.map((arg) => (arg.endsWith('/config.yaml') ? file : arg))
    child = spawnInGroup(process.execPath, [CLI, 'server', ...args, '--port', '0'], {
      cwd: workdir,
      env: { ...process.env, ...podEnv(container.env, secret), KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    url = await new Promise<string>((resolve, reject) => {
      child?.stderr?.on('data', (chunk: Buffer) => {
        banner += chunk
        const match = /listening\s+http:\/\/[^:\s]+:(\d+)/.exec(banner)
        if (match?.[1]) resolve(`http://127.0.0.1:${match[1]}`)
      })
      child?.stdout?.on('data', (chunk: Buffer) => {
        banner += chunk
      })
      child?.once('exit', (code) => reject(new Error(`the proxy exited ${code}:\n${banner}`)))
    })
  }, 60_000)

  afterAll(async () => {
    if (child) await stopGroup(child, { signal: 'SIGTERM', graceMs: 10_000 })
    if (cluster) await cluster.close()
    if (dir) await removeTempDir(dir)
    const pool = new pg.Pool({ connectionString: POSTGRES_URL })
    try {
      await pool.query(`drop schema if exists ${schema} cascade`)
    } finally {
      await pool.end()
    }
  }, 30_000)

  it('answers the probes: /health alive, /ready with its PostgreSQL', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200)
    const ready = await fetch(`${url}/ready`)
    expect(ready.status, await ready.clone().text()).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready' })
  })

  it('is the replica named after its pod, sharing the store', () => {
    expect(banner).toMatch(new RegExp(`replica\\s+${POD_NAME} \\(lease 15s`))
  })

  it('refuses requests without the admin key from the Secret, and takes them with it', async () => {
    expect((await fetch(`${url}/search`)).status).toBe(401)
    const listed = await fetch(`${url}/search`, { headers: { 'X-API-Key': adminKey } })
    expect(listed.status).toBe(200)
  })

  it('serves /metrics to a scraper with the token from the Secret, and to nobody else', async () => {
    const unsent = await fetch(`${url}/metrics`)
    expect(unsent.status).toBe(401)
    const scraped = await fetch(`${url}/metrics`, {
      headers: { Authorization: `Bearer ${metricsToken}` },
    })
    expect(scraped.status).toBe(200)
    expect(await scraped.text()).toContain('# TYPE ')
  })

  // Only the objects: the fake runs the echo agent, which (like agentapi) refuses the Service
  // address as a Host header without the agent image's AGENTAPI_ALLOWED_HOSTS, so the session
  // never becomes active here.
  it('starts a session as a pod of the overlay agent image, with its workspace claim, in its namespace', async () => {
    const headers = { 'X-API-Key': adminKey, 'Content-Type': 'application/json' }
    const started = await fetch(`${url}/start`, { method: 'POST', headers, body: '{}' })
    expect(started.status, await started.clone().text()).toBeLessThan(300)
    const { session_id: id } = (await started.json()) as { session_id: string }
    const [pod] = await eventually(async () => {
      const pods = cluster?.objects('Pod') ?? []
      return pods.length > 0 ? pods : undefined
    }, 30_000)
    expect(pod).toMatchObject({
      metadata: { namespace: 'agentapi' },
      spec: {
        containers: [
          { image: 'registry.example.com/agentapi-proxy-agent:0.1.0', workingDir: '/workspace' },
        ],
      },
    })
    expect(cluster?.objects('PersistentVolumeClaim')).toMatchObject([
      { metadata: { namespace: 'agentapi' } },
    ])
    const deleted = await fetch(`${url}/sessions/${id}`, { method: 'DELETE', headers })
    expect(deleted.status).toBeLessThan(300)
    await eventually(async () => (cluster?.objects('Pod').length === 0 ? true : undefined), 30_000)
  }, 60_000)
})
