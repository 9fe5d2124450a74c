import type { KubeObject, Resource } from './objects.ts'

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface StoredEvent {
  type: EventType
  resource: Resource
  resourceVersion: number
  object: KubeObject
}

/**
 * Every object and every change, under one resourceVersion counter as etcd keeps one revision
 * for the whole cluster: a watch resumes from any version it saw, whatever the resource, until
 * `compact()` forgets the history as etcd's compaction does.
 */
export class Store {
  private version = 0
  private oldest = 0
  private readonly objects = new Map<Resource, Map<string, KubeObject>>()
  private history: StoredEvent[] = []
  private readonly listeners = new Set<(event: StoredEvent) => void>()

  get resourceVersion(): number {
    return this.version
  }

  /** The oldest resourceVersion a watch may still start from. */
  get oldestVersion(): number {
    return this.oldest
  }

  get(resource: Resource, namespace: string, name: string): KubeObject | undefined {
    const object = this.table(resource).get(key(namespace, name))
    return object && structuredClone(object)
  }

  list(resource: Resource, namespace?: string): KubeObject[] {
    return [...this.table(resource).values()]
      .filter((object) => namespace === undefined || object.metadata.namespace === namespace)
      .sort(
        (a, b) =>
          a.metadata.namespace.localeCompare(b.metadata.namespace) ||
          a.metadata.name.localeCompare(b.metadata.name),
      )
      .map((object) => structuredClone(object))
  }

  /** Stores a new object (the caller checked the name is free) and returns it as stored. */
  add(resource: Resource, object: KubeObject): KubeObject {
    object.metadata.resourceVersion = String(++this.version)
    this.table(resource).set(key(object.metadata.namespace, object.metadata.name), object)
    return this.record('ADDED', resource, object)
  }

  /** Applies `change` to the stored object, if it still exists; a MODIFIED event follows. */
  update(
    resource: Resource,
    namespace: string,
    name: string,
    change: (object: KubeObject) => void,
  ): KubeObject | undefined {
    const object = this.table(resource).get(key(namespace, name))
    if (!object) return undefined
    change(object)
    object.metadata.resourceVersion = String(++this.version)
    return this.record('MODIFIED', resource, object)
  }

  remove(resource: Resource, namespace: string, name: string): KubeObject | undefined {
    const table = this.table(resource)
    const object = table.get(key(namespace, name))
    if (!object) return undefined
    table.delete(key(namespace, name))
    object.metadata.resourceVersion = String(++this.version)
    return this.record('DELETED', resource, object)
  }

  /** Events after `resourceVersion`, or null when history no longer reaches back that far. */
  eventsAfter(resourceVersion: number): StoredEvent[] | null {
    if (resourceVersion < this.oldest) return null
    return this.history.filter((event) => event.resourceVersion > resourceVersion)
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  compact(): void {
    this.history = []
    this.oldest = this.version
  }

  private record(type: EventType, resource: Resource, object: KubeObject): KubeObject {
    const event: StoredEvent = {
      type,
      resource,
      resourceVersion: this.version,
      object: structuredClone(object),
    }
    this.history.push(event)
    for (const listener of this.listeners) listener(event)
    return structuredClone(object)
  }

  private table(resource: Resource): Map<string, KubeObject> {
    let table = this.objects.get(resource)
    if (!table) {
      table = new Map()
      this.objects.set(resource, table)
    }
    return table
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`
}
