import { describe, expect, it } from 'vitest'
import { ConfigSchema } from '../src/config/schema.ts'
import { sessionManifests } from '../src/provisioners/kubernetes/manifests.ts'
import { assertValidManifest } from './kubernetes-manifests.ts'

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'agent' },
  spec: { containers: [{ name: 'agent', image: 'agent:1.0.0' }] },
}

describe('assertValidManifest', () => {
  it('passes a valid Pod', () => {
    expect(() => assertValidManifest(pod)).not.toThrow()
  })

  it('throws on a Pod whose containers are not a list, naming the path', () => {
    const broken = { ...pod, spec: { containers: 'x' } }
    expect(() => assertValidManifest(broken)).toThrow(
      /Pod agent does not match the v1\/Pod schema:\n {2}- \/spec\/containers: must be array/,
    )
  })

  it('throws on a Deployment without its required selector', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'proxy' },
      spec: { template: { spec: pod.spec } },
    }
    expect(() => assertValidManifest(deployment)).toThrow(
      /\/spec: must have required property selector/,
    )
  })

  it('throws on a kind it has no schema for, rather than passing it unchecked', () => {
    expect(() => assertValidManifest({ ...pod, apiVersion: 'v2' })).toThrow(
      /No schema for apiVersion v2 kind Pod/,
    )
    expect(() => assertValidManifest([pod])).toThrow(/must be an object/)
  })

  // What the kubernetes provisioner sends the API server, as the API server's schema reads it.
  it('passes every object the kubernetes provisioner creates for a session', () => {
    const { provisioner } = ConfigSchema.parse({
      provisioner: { kind: 'kubernetes', image: 'agent:1.0.0', storage: {} },
    })
    if (provisioner.kind !== 'kubernetes') throw new Error('not the kubernetes provisioner')
    const spec = {
      sessionId: '0B6C1D2E-3F40-4a5b-8c6d-7e8f90a1b2c3',
      command: ['agentapi', 'server', '--port', '{port}', '--type', 'claude', '--', 'claude'],
      env: { GITHUB_TOKEN: 'ghp_x' },
      repository: null,
    }
    const manifests = sessionManifests(spec, provisioner, 'alice')
    expect(manifests.claim).toBeDefined()
    const objects = [
      manifests.pod,
      manifests.secret,
      manifests.claim,
      manifests.service({ uid: '6f1f0d3c-0000-4000-8000-000000000000' }),
    ]
    for (const object of objects) expect(() => assertValidManifest(object)).not.toThrow()
  })
})
