import type { KubeObject } from './objects.ts'
import type { ContainerSpec } from './pod-spec.ts'

/** A container whose environment names a Secret or key that is not there; the kubelet's words. */
export class ConfigError extends Error {}

/**
 * The container's environment as the kubelet builds it: `envFrom` Secrets first, then `env`
 * (plain values, `secretKeyRef`, and the `fieldRef`s of the pod's name, namespace and IP), later
 * entries winning. Secrets are read from their base64 `data`.
 */
export function containerEnv(
  container: ContainerSpec,
  pod: { name: string; namespace: string; podIP: string },
  secret: (name: string) => KubeObject | undefined,
): Record<string, string> {
  const env: Record<string, string> = {}
  const secretData = (name: string, optional: boolean | undefined) => {
    const found = secret(name)
    if (!found && !optional) throw new ConfigError(`secret "${name}" not found`)
    return (found?.data ?? {}) as Record<string, string>
  }
  for (const source of container.envFrom ?? []) {
    if (!source.secretRef) continue
    const data = secretData(source.secretRef.name, source.secretRef.optional)
    for (const [key, value] of Object.entries(data)) {
      env[`${source.prefix ?? ''}${key}`] = decode(value)
    }
  }
  for (const variable of container.env ?? []) {
    const { secretKeyRef, fieldRef } = variable.valueFrom ?? {}
    if (secretKeyRef) {
      const data = secretData(secretKeyRef.name, secretKeyRef.optional)
      const value = data[secretKeyRef.key]
      if (value === undefined) {
        if (secretKeyRef.optional) continue
        throw new ConfigError(
          `couldn't find key ${secretKeyRef.key} in Secret ${pod.namespace}/${secretKeyRef.name}`,
        )
      }
      env[variable.name] = decode(value)
    } else if (fieldRef) {
      const fields: Record<string, string> = {
        'metadata.name': pod.name,
        'metadata.namespace': pod.namespace,
        'status.podIP': pod.podIP,
      }
      env[variable.name] = fields[fieldRef.fieldPath] ?? ''
    } else {
      env[variable.name] = variable.value ?? ''
    }
  }
  return env
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8')
}
