import { describe, expect, it } from 'vitest'
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
})
