/** The four core v1 resources the fake serves, by the plural name they have in URLs. */
export const RESOURCES = {
  pods: 'Pod',
  services: 'Service',
  secrets: 'Secret',
  persistentvolumeclaims: 'PersistentVolumeClaim',
} as const

export type Resource = keyof typeof RESOURCES
export type Kind = (typeof RESOURCES)[Resource]

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface ObjectMeta {
  name: string
  namespace: string
  uid: string
  resourceVersion: string
  creationTimestamp: string
  generateName?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  deletionTimestamp?: string
  deletionGracePeriodSeconds?: number
}

/** Any stored object; each resource's own fields stay as the client sent them. */
export interface KubeObject {
  apiVersion: 'v1'
  kind: Kind
  metadata: ObjectMeta
  spec?: Record<string, unknown>
  status?: Record<string, unknown>
  [field: string]: unknown
}

export function isResource(name: string): name is Resource {
  return Object.hasOwn(RESOURCES, name)
}

export function resourceOfKind(kind: string): Resource | undefined {
  return (Object.keys(RESOURCES) as Resource[]).find((resource) => RESOURCES[resource] === kind)
}

/** RFC 3339 in whole seconds, the precision of metav1.Time on the wire. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
