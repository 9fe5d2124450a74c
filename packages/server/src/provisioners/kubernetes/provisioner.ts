import { ApiException, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node'
import type { KubernetesSettings } from '../../config/schema.ts'
import type { Logger } from '../../logger.ts'
import type { AgentExit, AgentRef, AgentSpec, Provisioner } from '../provisioner.ts'
import { sessionManifests } from './manifests.ts'
import { objectName, SESSION_ANNOTATION } from './names.ts'
import { podState } from './pod-state.ts'
import { PodWatch } from './pod-watch.ts'

/** What the store keeps of a session's pod. */
interface PodHandle {
  namespace: string
  pod: string
  uid: string
}

interface Tracked {
  handle: PodHandle
  /** Why the pod has not started yet, as last seen (a start that times out says it). */
  pending?: string
  onExit: (exit: AgentExit) => void
  ended: Promise<AgentExit>
  end: (exit: AgentExit) => void
}

const RESYNC_MS = 60_000
// After the grace, how long a deleted pod may take to go (the kubelet's own SIGKILL, the API).
const DELETE_SLACK_MS = 10_000

/**
 * Runs each session's agent as a Pod with a Service and a Secret (manifests.ts), on the cluster
 * of the kubeconfig (`provisioner.kubeconfig`, KUBECONFIG, ~/.kube/config) or the one it runs in.
 * It follows its pods by list+watch (pod-watch.ts): a container that terminates, or a pod that
 * will never start (ImagePullBackOff), ends its session with the reason Kubernetes gives.
 */
export class KubernetesProvisioner implements Provisioner {
  readonly #settings: KubernetesSettings
  readonly #core: CoreV1Api
  readonly #namespace: string
  readonly #logger: Logger
  readonly #watch: PodWatch
  readonly #tracked = new Map<string, Tracked>()
  #resync: NodeJS.Timeout | null = null

  private constructor(settings: KubernetesSettings, kc: KubeConfig, logger: Logger) {
    this.#settings = settings
    this.#logger = logger
    this.#core = kc.makeApiClient(CoreV1Api)
    this.#namespace = settings.namespace ?? namespaceOf(kc)
    this.#watch = new PodWatch(kc, this.#core, this.#namespace, logger, (pod, gone) =>
      this.#onPod(pod, gone),
    )
  }

  /** Connects to the cluster and starts following our pods. */
  static async open(settings: KubernetesSettings, logger: Logger): Promise<KubernetesProvisioner> {
    const kc = new KubeConfig()
    if (settings.kubeconfig) kc.loadFromFile(settings.kubeconfig)
    else kc.loadFromDefault()
    const provisioner = new KubernetesProvisioner(settings, kc, logger)
    await provisioner.#watch.start()
    provisioner.#resync = setInterval(() => void provisioner.#resyncNow(), RESYNC_MS)
    provisioner.#resync.unref()
    return provisioner
  }

  /** The namespace sessions run in (the banner says it). */
  get namespace(): string {
    return this.#namespace
  }

  async start(spec: AgentSpec, onExit: (exit: AgentExit) => void): Promise<AgentRef> {
    // Said at the start rather than dropped without a word: the agent would run without them.
    if (spec.mcpConfig) {
      throw new Error(
        'MCP servers (mcp_servers) are not supported by the kubernetes provisioner yet; start the session without them',
      )
    }
    const namespace = this.#namespace
    const manifests = sessionManifests(spec, this.#settings, spec.userId ?? null)
    const name = objectName(spec.sessionId)
    if (manifests.claim) {
      await ignore(
        409,
        this.#core.createNamespacedPersistentVolumeClaim({ namespace, body: manifests.claim }),
      )
    }
    // A restart of the session makes a new Secret: its environment may have changed.
    await ignore(404, this.#core.deleteNamespacedSecret({ name, namespace }))
    await this.#core.createNamespacedSecret({ namespace, body: manifests.secret })
    const pod = await this.#core.createNamespacedPod({ namespace, body: manifests.pod })
    const uid = pod.metadata?.uid ?? ''
    const service = await this.#core.createNamespacedService({
      namespace,
      body: manifests.service({ uid }),
    })
    const handle: PodHandle = { namespace, pod: name, uid }
    this.#track(spec.sessionId, handle, onExit)
    return {
      sessionId: spec.sessionId,
      url: this.#urlOf(service.spec?.clusterIP),
      handle: { ...handle },
    }
  }

  async stop(agent: AgentRef, graceMs: number): Promise<AgentExit> {
    const tracked = this.#tracked.get(agent.sessionId)
    const name = objectName(agent.sessionId)
    const namespace = this.#namespace
    const gracePeriodSeconds = Math.ceil(graceMs / 1000)
    await ignore(404, this.#core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds }))
    await ignore(404, this.#core.deleteNamespacedSecret({ name, namespace }))
    if (!tracked) return { code: null, signal: null }
    const neverRan = tracked.pending
      ? { code: null, signal: null, reason: tracked.pending }
      : { code: null, signal: null }
    if (tracked.pending)
      return Promise.race([
        tracked.ended.then(() => neverRan),
        wait(graceMs + DELETE_SLACK_MS, neverRan),
      ])
    const timeout = new Promise<AgentExit>((resolve) =>
      setTimeout(() => resolve({ code: null, signal: null }), graceMs + DELETE_SLACK_MS).unref(),
    )
    return Promise.race([tracked.ended, timeout])
  }

  inspect(agent: AgentRef): 'running' | 'gone' {
    return this.#tracked.has(agent.sessionId) ? 'running' : 'gone'
  }

  async adopt(agent: AgentRef, onExit: (exit: AgentExit) => void): Promise<AgentRef | null> {
    const handle = agent.handle as Partial<PodHandle>
    if (this.#tracked.has(agent.sessionId) || typeof handle.uid !== 'string') return null
    const name = objectName(agent.sessionId)
    const pod = await ignore(
      404,
      this.#core.readNamespacedPod({ name, namespace: this.#namespace }),
    )
    // The same pod (not one a later start made under the same name) and still running.
    if (!pod || pod.metadata?.uid !== handle.uid || podState(pod).kind !== 'running') return null
    this.#track(agent.sessionId, { namespace: this.#namespace, pod: name, uid: handle.uid }, onExit)
    return { sessionId: agent.sessionId, url: agent.url, handle: agent.handle }
  }

  async logs(
    agent: Pick<AgentRef, 'sessionId' | 'handle'>,
    tail: number,
  ): Promise<{ lines: string[]; truncated: boolean }> {
    const name = objectName(agent.sessionId)
    const text = await ignore(
      404,
      this.#core.readNamespacedPodLog({ name, namespace: this.#namespace, tailLines: tail + 1 }),
    )
    const lines = (text ?? '').split('\n')
    if (lines.at(-1) === '') lines.pop()
    return { lines: lines.slice(-tail), truncated: lines.length > tail }
  }

  release(sessionId: string): void {
    this.#tracked.delete(sessionId)
  }

  async remove(sessionId: string): Promise<void> {
    const name = objectName(sessionId)
    const namespace = this.#namespace
    await ignore(404, this.#core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }))
    await ignore(404, this.#core.deleteNamespacedSecret({ name, namespace }))
    await ignore(404, this.#core.deleteNamespacedPersistentVolumeClaim({ name, namespace }))
  }

  async stopAll(graceMs: number): Promise<void> {
    const sessions = [...this.#tracked.keys()]
    await Promise.all(
      sessions.map((sessionId) => this.stop({ sessionId, url: '', handle: {} }, graceMs)),
    )
    if (this.#resync) clearInterval(this.#resync)
    await this.#watch.stop()
  }

  async reapOrphans(keep: ReadonlySet<string>, graceMs: number): Promise<number> {
    const namespace = this.#namespace
    const gracePeriodSeconds = Math.ceil(graceMs / 1000)
    let reaped = 0
    for (const pod of await this.#watch.list()) {
      const sessionId = pod.metadata?.annotations?.[SESSION_ANNOTATION]
      const name = pod.metadata?.name
      if (!name || (sessionId && keep.has(sessionId))) continue
      this.#logger.info({ pod: name }, 'deleting a pod that belongs to no session')
      await ignore(404, this.#core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds }))
      await ignore(404, this.#core.deleteNamespacedSecret({ name, namespace }))
      reaped++
    }
    return reaped
  }

  #urlOf(clusterIp: string | undefined): string {
    // The Service's address reaches the pod from anywhere in the cluster (every replica).
    if (!clusterIp || clusterIp === 'None') throw new Error('the Service has no cluster IP')
    const host = clusterIp.includes(':') ? `[${clusterIp}]` : clusterIp
    return `http://${host}:${this.#settings.port}`
  }

  #track(sessionId: string, handle: PodHandle, onExit: (exit: AgentExit) => void): void {
    let end: (exit: AgentExit) => void = () => undefined
    const ended = new Promise<AgentExit>((resolve) => {
      end = resolve
    })
    this.#tracked.set(sessionId, { handle, onExit, ended, end })
    const seen = this.#watch.get(handle.pod)
    if (seen) this.#onPod(seen, false)
  }

  #onPod(pod: V1Pod, gone: boolean): void {
    const sessionId = pod.metadata?.annotations?.[SESSION_ANNOTATION]
    const tracked = sessionId ? this.#tracked.get(sessionId) : undefined
    if (!sessionId || !tracked || pod.metadata?.uid !== tracked.handle.uid) return
    const state = podState(pod)
    if (state.kind === 'pending' && state.why) tracked.pending = state.why
    if (state.kind !== 'ended' && !gone) return
    const exit =
      state.kind === 'ended'
        ? state.exit
        : { code: null, signal: null, reason: 'the pod was deleted' }
    this.#tracked.delete(sessionId)
    tracked.end(exit)
    tracked.onExit(exit)
  }

  async #resyncNow(): Promise<void> {
    try {
      const pods = await this.#watch.list()
      const seen = new Set(pods.map((pod) => pod.metadata?.uid))
      for (const pod of pods) this.#onPod(pod, false)
      for (const [sessionId, tracked] of this.#tracked) {
        if (seen.has(tracked.handle.uid)) continue
        const gone = { code: null, signal: null, reason: 'the pod is gone' }
        this.#tracked.delete(sessionId)
        tracked.end(gone)
        tracked.onExit(gone)
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not list pods to resync')
    }
  }
}

function wait<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref())
}

function namespaceOf(kc: KubeConfig): string {
  const context = kc.getContextObject(kc.getCurrentContext())
  return context?.namespace ?? 'default'
}

/** Resolves null when the API answers `status` (404: already gone; 409: already there). */
async function ignore<T>(status: number, request: Promise<T>): Promise<T | null> {
  try {
    return await request
  } catch (error) {
    if (error instanceof ApiException && error.code === status) return null
    throw error
  }
}
