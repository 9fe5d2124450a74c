import { describe, expect, it } from 'vitest'
import type { KubernetesSettings } from '../../config/schema.ts'
import { ConfigSchema } from '../../config/schema.ts'
import { sessionManifests } from './manifests.ts'
import { labelValue, objectName } from './names.ts'
import { podState } from './pod-state.ts'

const SESSION = '0B6C1D2E-3F40-4a5b-8c6d-7e8f90a1b2c3'

function settings(extra: Record<string, unknown> = {}): KubernetesSettings {
  const config = ConfigSchema.parse({
    provisioner: { kind: 'kubernetes', image: 'ghcr.io/example/agent:1.0', ...extra },
  })
  if (config.provisioner.kind !== 'kubernetes') throw new Error('not kubernetes')
  return config.provisioner
}

const spec = {
  sessionId: SESSION,
  userId: 'Alice Smith@example.com',
  command: ['agentapi', 'server', '--port', '{port}', '--type', 'claude', '--', 'claude'],
  env: { GITHUB_TOKEN: 'ghp_very_secret', AGENTAPI_PROXY_AGENT_SECRET: 's3cr3t', PATH: '/x' },
  repository: null,
  secret: 's3cr3t',
}

describe('names and labels', () => {
  it('are DNS-safe, found again from the session id, with raw values in annotations', () => {
    expect(objectName(SESSION)).toBe(`agentapi-${SESSION.toLowerCase()}`)
    expect(objectName(SESSION)).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
    expect(labelValue('Alice Smith@example.com')).toBe('Alice_Smith_example.com')
    expect(labelValue('-_x_-')).toBe('x')
    const { pod } = sessionManifests(spec, settings(), spec.userId)
    expect(pod.metadata?.labels).toMatchObject({
      'app.kubernetes.io/name': 'agentapi-agent',
      'app.kubernetes.io/managed-by': 'agentapi-proxy',
      'agentapi-proxy/user': 'Alice_Smith_example.com',
    })
    expect(pod.metadata?.annotations?.['agentapi-proxy/user']).toBe('Alice Smith@example.com')
  })
})

describe('session manifests', () => {
  it('keep every environment value out of the Pod spec, in a Secret the Pod reads', () => {
    const { pod, secret } = sessionManifests(spec, settings(), 'alice')
    const podText = JSON.stringify(pod)
    expect(podText).not.toContain('ghp_very_secret')
    expect(podText).not.toContain('s3cr3t')
    expect(secret.stringData).toEqual({
      GITHUB_TOKEN: 'ghp_very_secret',
      AGENTAPI_PROXY_AGENT_SECRET: 's3cr3t',
    })
    const container = pod.spec?.containers[0]
    expect(container?.envFrom).toEqual([{ secretRef: { name: objectName(SESSION) } }])
    expect(container?.command).toEqual(['agentapi'])
    expect(container?.args).toEqual([
      'server',
      '--port',
      '3284',
      '--type',
      'claude',
      '--',
      'claude',
    ])
    expect(pod.spec?.automountServiceAccountToken).toBe(false)
  })

  it('carry the configured scheduling, and a claim that outlives the pod when storage is on', () => {
    const { pod, service, claim } = sessionManifests(
      spec,
      settings({
        service_account_name: 'agents',
        image_pull_secrets: ['registry'],
        node_selector: { pool: 'agents' },
        tolerations: [{ key: 'agents', operator: 'Exists', effect: 'NoSchedule' }],
        resources: { requests: { cpu: '500m' }, limits: { memory: '2Gi' } },
        storage: { size: '5Gi' },
      }),
      'alice',
    )
    expect(pod.spec).toMatchObject({
      serviceAccountName: 'agents',
      automountServiceAccountToken: true,
      imagePullSecrets: [{ name: 'registry' }],
      nodeSelector: { pool: 'agents' },
      volumes: [{ name: 'workspace', persistentVolumeClaim: { claimName: objectName(SESSION) } }],
    })
    expect(claim?.spec?.resources?.requests).toEqual({ storage: '5Gi' })
    expect(claim?.metadata?.ownerReferences).toBeUndefined()
    expect(service({ uid: 'u-1' }).metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        name: objectName(SESSION),
        uid: 'u-1',
        blockOwnerDeletion: true,
      },
    ])
  })
})

describe('podState', () => {
  const pod = (status: object) => ({ status }) as Parameters<typeof podState>[0]
  it('reads the reason Kubernetes gives for an agent that ended or will never start', () => {
    expect(
      podState(
        pod({
          containerStatuses: [{ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
        }),
      ),
    ).toEqual({ kind: 'ended', exit: { code: 137, signal: null, reason: 'OOMKilled' } })
    expect(
      podState(
        pod({ containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] }),
      ),
    ).toMatchObject({ kind: 'ended', exit: { reason: 'ImagePullBackOff' } })
    expect(podState(pod({ phase: 'Pending' }))).toEqual({ kind: 'pending' })
    const unschedulable = {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient memory.',
        },
      ],
    }
    expect(podState(pod(unschedulable))).toEqual({
      kind: 'pending',
      why: 'Unschedulable: 0/3 nodes are available: 3 Insufficient memory.',
    })
    expect(
      podState(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })),
    ).toEqual({ kind: 'running', ready: true })
  })
})
