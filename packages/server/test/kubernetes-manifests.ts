import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role'
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Namespace } from 'kubernetes-models/v1/Namespace'
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim'
import { Pod } from 'kubernetes-models/v1/Pod'
import { Secret } from 'kubernetes-models/v1/Secret'
import { Service } from 'kubernetes-models/v1/Service'
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount'

interface Model {
  validate(): void
}

// Keyed by `apiVersion/kind` as the API server reads them: the same kind under another group
// version has another schema, so a manifest is never checked against a neighbour's.
const MODELS: Record<string, new (data: never) => Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
}

/** The `apiVersion/kind` pairs {@link assertValidManifest} knows. */
export const KNOWN_KINDS: readonly string[] = Object.keys(MODELS)

interface SchemaIssue {
  instancePath?: string
  message?: string
}

/**
 * Checks one Kubernetes object against the official OpenAPI schema of its apiVersion and kind
 * (through kubernetes-models); throws an Error listing every schema violation by JSON path.
 * A kind it does not know is an error too, so a manifest never passes unchecked.
 *
 * The schemas allow fields they do not define (as the API server's non-strict decoding does),
 * so a misspelt optional field is not caught here: assert the fields that matter by name.
 *
 * @example
 * assertValidManifest({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [] } })
 */
export function assertValidManifest(object: unknown): void {
  if (!object || typeof object !== 'object' || Array.isArray(object)) {
    throw new Error(`A manifest must be an object, got ${JSON.stringify(object)}`)
  }
  const { apiVersion, kind, metadata } = object as {
    apiVersion?: unknown
    kind?: unknown
    metadata?: { name?: unknown }
  }
  const key = `${String(apiVersion)}/${String(kind)}`
  const Model = MODELS[key]
  if (!Model) {
    throw new Error(
      `No schema for apiVersion ${String(apiVersion)} kind ${String(kind)}; known: ${KNOWN_KINDS.join(', ')}`,
    )
  }
  try {
    new Model(structuredClone(object) as never).validate()
  } catch (error) {
    const issues = (error as { errors?: SchemaIssue[] }).errors
    const lines = Array.isArray(issues)
      ? issues.map((issue) => `  - ${issue.instancePath || '/'}: ${issue.message ?? 'invalid'}`)
      : [`  - ${(error as Error).message}`]
    const name = typeof metadata?.name === 'string' ? ` ${metadata.name}` : ''
    throw new Error(`${kind}${name} does not match the ${key} schema:\n${lines.join('\n')}`)
  }
}
