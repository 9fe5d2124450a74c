import type { KubeObject } from './objects.ts'
import type { PodSpec } from './pod-spec.ts'
import { ApiError } from './status.ts'

/**
 * Fills in what the API server defaults or derives on create, and refuses what it would refuse
 * as Invalid (422) among the fields the fake relies on.
 */
export function applyDefaults(object: KubeObject): void {
  switch (object.kind) {
    case 'Secret': {
      // stringData is write-only: merged into the base64 `data` and never stored.
      const stringData = (object.stringData ?? {}) as Record<string, string>
      const data = { ...((object.data ?? {}) as Record<string, string>) }
      for (const [key, value] of Object.entries(stringData)) {
        data[key] = Buffer.from(value, 'utf8').toString('base64')
      }
      delete object.stringData
      object.data = data
      object.type ??= 'Opaque'
      return
    }
    case 'Pod': {
      const spec = (object.spec ?? {}) as unknown as PodSpec & Record<string, unknown>
      const [first] = spec.containers ?? []
      if (!first?.name || !first.image) {
        throw invalid(object, 'spec.containers', 'Required value: a container with name and image')
      }
      spec.restartPolicy ??= 'Always'
      spec.terminationGracePeriodSeconds ??= 30
      spec.nodeName ??= 'fake-node'
      object.spec = spec
      return
    }
    case 'Service': {
      const spec = (object.spec ?? {}) as Record<string, unknown>
      spec.type ??= 'ClusterIP'
      const ports = (spec.ports ?? []) as Record<string, unknown>[]
      for (const port of ports) {
        port.protocol ??= 'TCP'
        port.targetPort ??= port.port
      }
      spec.ports = ports
      object.spec = spec
      object.status = { loadBalancer: {} }
      return
    }
    case 'PersistentVolumeClaim': {
      // As with a default StorageClass that binds at once: nothing mounts it anyway.
      const spec = (object.spec ?? {}) as {
        accessModes?: string[]
        resources?: { requests?: Record<string, string> }
      }
      object.status = {
        phase: 'Bound',
        accessModes: spec.accessModes ?? [],
        capacity: spec.resources?.requests ?? {},
      }
      return
    }
  }
}

export function invalid(object: KubeObject, field: string, detail: string): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `${object.kind} "${object.metadata.name}" is invalid: ${field}: ${detail}`,
    { name: object.metadata.name, kind: object.kind },
  )
}
