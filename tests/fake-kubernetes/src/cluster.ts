import { randomInt, randomUUID } from 'node:crypto'
import { applyDefaults, invalid } from './defaults.ts'
import { type KubeObject, RESOURCES, type Resource, timestamp } from './objects.ts'
import { PodRunner } from './pod-runner.ts'
import type { PodSpec } from './pod-spec.ts'
import { pendingStatus } from './pod-status.ts'
import { ApiError, alreadyExists, badRequest, notFound } from './status.ts'
import { Store } from './store.ts'

/**
 * The cluster behind the API: the store, the pods running on the fake's one node, and the
 * controllers that matter to a provisioner (garbage collection by ownerReferences, a Service's
 * address). Every method takes and returns plain API objects.
 */
export class Cluster {
  readonly store = new Store()
  readonly runner = new PodRunner(this.store)
  private readonly pending = new Set<Promise<void>>()
  // Pods get 127.<a>.<b>.N: a prefix of its own per fake, so that fakes running side by side
  // (vitest runs test files in parallel) never hand out the same IP for the same agent port.
  private readonly podNetwork = `127.${randomInt(1, 255)}.${randomInt(0, 256)}`
  private nextHost = 2

  create(resource: Resource, namespace: string, body: unknown): KubeObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('the body of the request was in an unknown format')
    }
    const given = body as Partial<KubeObject>
    const kind = RESOURCES[resource]
    if (given.kind !== undefined && given.kind !== kind) {
      throw badRequest(`the kind of the provided object (${given.kind}) does not match ${kind}`)
    }
    const metadata = { ...(given.metadata ?? {}) } as KubeObject['metadata']
    if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      )
    }
    const name = metadata.name || (metadata.generateName ? metadata.generateName + suffix() : '')
    const object = {
      ...structuredClone(given),
      apiVersion: 'v1',
      kind,
      metadata: {
        ...structuredClone(metadata),
        name,
        namespace,
        uid: randomUUID(),
        creationTimestamp: timestamp(),
        resourceVersion: '',
      },
    } as KubeObject
    delete object.metadata.deletionTimestamp
    delete object.metadata.deletionGracePeriodSeconds
    if (!name) {
      throw invalid(object, 'metadata.name', 'Required value: name or generateName is required')
    }
    if (this.store.get(resource, namespace, name)) throw alreadyExists(resource, name)
    applyDefaults(object)
    if (resource === 'pods') {
      const container = (object.spec as unknown as PodSpec).containers[0]
      if (container) object.status = { ...pendingStatus(container, this.allocateIP()) }
    }
    if (resource === 'services') this.assignClusterIP(object)
    const stored = this.store.add(resource, object)
    if (resource === 'pods') {
      this.runner.start(stored)
      this.bindServices(namespace)
    }
    return stored
  }

  /**
   * PUT: the object as sent, keeping what the server owns (uid, creation time, status). A
   * resourceVersion in the body must be the current one (409 Conflict otherwise), as optimistic
   * concurrency demands; a pod takes only new labels, annotations and ownerReferences, the
   * fields of a running pod that may change.
   */
  replace(resource: Resource, namespace: string, name: string, body: unknown): KubeObject {
    const current = this.get(resource, namespace, name)
    const given = (typeof body === 'object' && body !== null ? body : {}) as Partial<KubeObject>
    const metadata = (given.metadata ?? {}) as Partial<KubeObject['metadata']>
    if (metadata.name !== name) {
      throw badRequest(
        `the name of the object (${metadata.name ?? ''}) does not match the name on the URL (${name})`,
      )
    }
    if (metadata.resourceVersion && metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, kind: resource },
      )
    }
    const kept = {
      name,
      namespace,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: current.metadata.resourceVersion,
      ...(current.metadata.deletionTimestamp
        ? {
            deletionTimestamp: current.metadata.deletionTimestamp,
            deletionGracePeriodSeconds: current.metadata.deletionGracePeriodSeconds,
          }
        : {}),
    }
    let next: KubeObject
    if (resource === 'pods') {
      next = structuredClone(current)
      const { labels, annotations, ownerReferences } = metadata
      next.metadata = {
        ...kept,
        ...(labels ? { labels } : {}),
        ...(annotations ? { annotations } : {}),
        ...(ownerReferences ? { ownerReferences } : {}),
      }
    } else {
      next = {
        ...structuredClone(given),
        apiVersion: 'v1',
        kind: current.kind,
        metadata: { ...structuredClone(metadata), ...kept },
      } as KubeObject
      applyDefaults(next)
      if (current.status && resource !== 'services') next.status = current.status
      if (resource === 'services') {
        const spec = (next.spec ?? {}) as Record<string, unknown>
        const before = (current.spec ?? {}) as Record<string, unknown>
        spec.clusterIP ??= before.clusterIP
        spec.clusterIPs ??= before.clusterIPs
        next.spec = spec
      }
    }
    return this.store.update(resource, namespace, name, (stored) => {
      for (const field of Object.keys(stored)) delete stored[field]
      Object.assign(stored, next)
    }) as KubeObject
  }

  get(resource: Resource, namespace: string, name: string): KubeObject {
    const object = this.store.get(resource, namespace, name)
    if (!object) throw notFound(resource, name)
    return object
  }

  /**
   * Deletes as the API server does: a pod is marked (deletionTimestamp) and removed once its
   * container stopped within the grace period, or at once for a grace of 0 while it is killed;
   * anything else goes at once. Dependents (ownerReferences) follow in the background.
   */
  delete(resource: Resource, namespace: string, name: string, grace: number | null): KubeObject {
    const object = this.get(resource, namespace, name)
    if (resource !== 'pods') {
      const removed = this.store.remove(resource, namespace, name) as KubeObject
      this.collectDependents(removed)
      return removed
    }
    if (object.metadata.deletionTimestamp) return object
    const seconds = grace ?? (object.spec as unknown as PodSpec).terminationGracePeriodSeconds ?? 30
    const marked = this.store.update('pods', namespace, name, (pod) => {
      pod.metadata.deletionTimestamp = timestamp(new Date(Date.now() + seconds * 1000))
      pod.metadata.deletionGracePeriodSeconds = seconds
    }) as KubeObject
    const removeNow = seconds === 0
    if (removeNow) this.removePod(namespace, name)
    this.track(
      this.runner.terminate(object.metadata.uid, seconds).then(() => {
        if (!removeNow) this.removePod(namespace, name)
      }),
    )
    return marked
  }

  allPending(): Promise<void> {
    return Promise.all(this.pending).then(() => undefined)
  }

  private removePod(namespace: string, name: string): void {
    const removed = this.store.remove('pods', namespace, name)
    if (removed) this.collectDependents(removed)
  }

  /** Background cascading deletion: every object in the namespace owned by `owner` goes too. */
  private collectDependents(owner: KubeObject): void {
    for (const resource of Object.keys(RESOURCES) as Resource[]) {
      for (const object of this.store.list(resource, owner.metadata.namespace)) {
        const owned = object.metadata.ownerReferences?.some((ref) => ref.uid === owner.metadata.uid)
        if (owned) this.delete(resource, object.metadata.namespace, object.metadata.name, null)
      }
    }
  }

  /**
   * A Service's clusterIP is the IP of the pod its selector matches, so that
   * `http://<clusterIP>:<port>` reaches the pod (when port and targetPort are the same); none
   * when no pod matches yet, until one does.
   */
  private assignClusterIP(service: KubeObject): boolean {
    const spec = service.spec as { clusterIP?: string; selector?: Record<string, string> }
    if (spec.clusterIP || !spec.selector || Object.keys(spec.selector).length === 0) return false
    const selector = spec.selector
    const pod = this.store
      .list('pods', service.metadata.namespace)
      .find(
        (candidate) =>
          !candidate.metadata.deletionTimestamp &&
          Object.entries(selector).every(([k, v]) => candidate.metadata.labels?.[k] === v),
      )
    const ip = (pod?.status as { podIP?: string } | undefined)?.podIP
    if (!ip) return false
    Object.assign(spec, { clusterIP: ip, clusterIPs: [ip] })
    return true
  }

  private bindServices(namespace: string): void {
    for (const service of this.store.list('services', namespace)) {
      const probe = structuredClone(service)
      if (!this.assignClusterIP(probe)) continue
      this.store.update('services', namespace, service.metadata.name, (stored) => {
        stored.spec = probe.spec
      })
    }
  }

  private allocateIP(): string {
    if (this.nextHost > 254) throw new Error('the fake pod network is out of addresses')
    return `${this.podNetwork}.${this.nextHost++}`
  }

  private track(work: Promise<void>): void {
    this.pending.add(work)
    void work.finally(() => this.pending.delete(work))
  }
}

// generateName's random part: five characters of the alphabet Kubernetes uses.
function suffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
  return Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join('')
}
