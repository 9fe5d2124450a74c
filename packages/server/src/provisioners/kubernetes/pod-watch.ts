import { type CoreV1Api, type KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node'
import type { Logger } from '../../logger.ts'
import { MANAGED_SELECTOR } from './names.ts'

/** Told about every change to one of our pods, and about pods that are gone. */
export type PodListener = (pod: V1Pod, gone: boolean) => void

const RESTART_MIN_MS = 200
const RESTART_MAX_MS = 10_000

/**
 * Our pods by list+watch (client-node's informer), kept going: the informer re-lists by itself
 * when a watch ends or its resourceVersion is too old (410 Gone), but stops on any other error
 * — a broken connection, the API server restarting — so it is started again with backoff.
 * `resync` lists again on demand (a periodic safety net for a missed event).
 */
export class PodWatch {
  readonly #core: CoreV1Api
  readonly #namespace: string
  readonly #logger: Logger
  readonly #informer: ReturnType<typeof makeInformer<V1Pod>>
  #stopped = false
  #backoff = RESTART_MIN_MS
  #restart: NodeJS.Timeout | null = null

  constructor(
    kc: KubeConfig,
    core: CoreV1Api,
    namespace: string,
    logger: Logger,
    onPod: PodListener,
  ) {
    this.#core = core
    this.#namespace = namespace
    this.#logger = logger
    const list = () => core.listNamespacedPod({ namespace, labelSelector: MANAGED_SELECTOR })
    this.#informer = makeInformer<V1Pod>(
      kc,
      `/api/v1/namespaces/${namespace}/pods`,
      list,
      MANAGED_SELECTOR,
    )
    this.#informer.on('add', (pod) => onPod(pod, false))
    this.#informer.on('update', (pod) => onPod(pod, false))
    this.#informer.on('delete', (pod) => onPod(pod, true))
    this.#informer.on('connect', () => {
      this.#backoff = RESTART_MIN_MS
    })
    this.#informer.on('error', (error: unknown) => this.#restartLater(error))
  }

  async start(): Promise<void> {
    await this.#informer.start()
  }

  /** The pod as last seen, or undefined. */
  get(name: string): V1Pod | undefined {
    return this.#informer.get(name, this.#namespace)
  }

  /** Lists our pods now (not from the cache). */
  async list(): Promise<V1Pod[]> {
    const pods = await this.#core.listNamespacedPod({
      namespace: this.#namespace,
      labelSelector: MANAGED_SELECTOR,
    })
    return pods.items
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#restart) clearTimeout(this.#restart)
    await this.#informer.stop()
  }

  #restartLater(error: unknown): void {
    if (this.#stopped || this.#restart) return
    this.#logger.warn({ err: error }, 'pod watch failed; restarting it')
    this.#restart = setTimeout(() => {
      this.#restart = null
      this.#informer.start().catch((again: unknown) => this.#restartLater(again))
    }, this.#backoff)
    this.#restart.unref()
    this.#backoff = Math.min(this.#backoff * 2, RESTART_MAX_MS)
  }
}
