import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { spawnInGroup, stopGroup } from '@agentapi-proxy/server/testing'
import { ConfigError, containerEnv } from './container-env.ts'
import { echoAgentArgv } from './echo-agent.ts'
import { type KubeObject, timestamp } from './objects.ts'
import type { ContainerSpec, PodSpec, PodStatus } from './pod-spec.ts'
import { setContainerState, setReady } from './pod-status.ts'
import { probeOnce } from './probe.ts'
import { badRequest } from './status.ts'
import type { Store } from './store.ts'

// How often readiness is checked: the kubelet's 10 s default period would only slow tests.
const PROBE_INTERVAL_MS = 100
// How long ErrImagePull shows before the kubelet's back-off turns it into ImagePullBackOff.
const PULL_BACKOFF_MS = 200
// Bounds a pod's log kept in memory, like the kubelet's log rotation bounds it on disk.
const MAX_LOG_BYTES = 4 * 1024 * 1024

interface Run {
  namespace: string
  name: string
  /** Tells this pod from a later one of the same name, created while this one still stops. */
  uid: string
  container: ContainerSpec
  podIP: string
  child?: ChildProcess
  startedAt?: string
  log: string
  /** Set by oomKill, so the exit is reported as the kernel's OOM killer would have it. */
  oomKilled: boolean
  probe?: NodeJS.Timeout
  pullBackOff?: NodeJS.Timeout
  workdir?: string
  /** Resolves once the container's whole process group is gone. */
  gone: Promise<void>
}

/**
 * The fake's kubelet: runs the first container of each pod as a local process group in a temp
 * dir of its own, and writes what happens to it into the pod's status, each change a MODIFIED
 * event. Containers are never restarted, whatever the pod's restartPolicy.
 */
export class PodRunner {
  // By uid: a pod deleted with a grace of 0 is still being killed when the next one of its name
  // starts.
  private readonly runs = new Map<string, Run>()

  constructor(private readonly store: Store) {}

  /** Starts the pod just stored; its status must already say Pending with its IP. */
  start(pod: KubeObject): void {
    const spec = pod.spec as unknown as PodSpec
    const status = pod.status as unknown as PodStatus
    const container = spec.containers[0] as ContainerSpec
    const run: Run = {
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      container,
      podIP: status.podIP,
      log: '',
      oomKilled: false,
      gone: Promise.resolve(),
    }
    this.runs.set(run.uid, run)
    // After the create's ADDED event, as the kubelet only sees a pod once it is stored.
    setImmediate(() => this.launch(run))
  }

  /** The pod's log; `tailLines` keeps only the last lines. */
  log(namespace: string, name: string, tailLines: number | null): string {
    const run = this.find(namespace, name)
    if (!run?.child) {
      throw badRequest(
        `container "${run?.container.name ?? ''}" in pod "${name}" is waiting to start: ${this.waitingReason(namespace, name)}`,
      )
    }
    if (tailLines === null) return run.log
    const lines = run.log.split('\n')
    if (lines.at(-1) === '') lines.pop()
    if (tailLines <= 0 || lines.length === 0) return ''
    return `${lines.slice(-tailLines).join('\n')}\n`
  }

  /** SIGKILLs the container as the OOM killer would; its exit is then reported as OOMKilled. */
  oomKill(namespace: string, name: string): void {
    const run = this.find(namespace, name)
    const pid = run?.child?.pid
    if (!run || pid === undefined) throw new Error(`pod ${namespace}/${name} runs no process`)
    run.oomKilled = true
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // exited already
    }
  }

  /**
   * SIGTERMs the container's process group, SIGKILLs it after the grace period (at once for 0),
   * and resolves once no process of it is left.
   */
  async terminate(uid: string, graceSeconds: number): Promise<void> {
    const run = this.runs.get(uid)
    if (!run) return
    clearTimeout(run.probe)
    clearTimeout(run.pullBackOff)
    if (run.child) {
      await stopGroup(
        run.child,
        graceSeconds > 0 ? { signal: 'SIGTERM', graceMs: graceSeconds * 1000 } : {},
      )
    }
    await run.gone
    this.forget(run)
  }

  /** Kills every container at once and waits for all of them. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.values()].map((run) => this.terminate(run.uid, 0)))
  }

  private launch(run: Run): void {
    if (!this.runs.has(run.uid)) return
    const { container } = run
    if (container.image.includes('does-not-exist')) {
      this.setState(run, {
        waiting: {
          reason: 'ErrImagePull',
          message: `failed to pull image "${container.image}": not found`,
        },
      })
      run.pullBackOff = setTimeout(() => {
        this.setState(run, {
          waiting: {
            reason: 'ImagePullBackOff',
            message: `Back-off pulling image "${container.image}"`,
          },
        })
      }, PULL_BACKOFF_MS)
      return
    }
    let env: Record<string, string>
    try {
      env = containerEnv(container, run, (name) => this.store.get('secrets', run.namespace, name))
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      this.setState(run, {
        waiting: { reason: 'CreateContainerConfigError', message: error.message },
      })
      return
    }
    run.workdir = mkdtempSync(join(tmpdir(), 'fake-kubernetes-pod-'))
    const [command, ...args] = argv(container)
    const child = spawnInGroup(command as string, args, {
      cwd: run.workdir,
      env: {
        ...passedThrough(),
        ...env,
        // Makes the echo agent (and the agent guard) listen on the pod's IP, not everywhere.
        AGENTAPI_PROXY_AGENT_HOST: run.podIP,
        TMPDIR: run.workdir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    run.child = child
    const append = (chunk: Buffer) => {
      run.log = (run.log + chunk.toString('utf8')).slice(-MAX_LOG_BYTES)
    }
    child.stdout?.on('data', append)
    child.stderr?.on('data', append)
    run.gone = new Promise((resolve) => {
      child.once('error', (error) => {
        append(Buffer.from(`${error.message}\n`))
        this.setState(run, {
          terminated: { exitCode: 128, reason: 'StartError', finishedAt: timestamp() },
        })
        resolve()
      })
      child.once('exit', (code, signal) => {
        clearTimeout(run.probe)
        const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0)
        const reason = run.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error'
        this.setState(run, {
          terminated: {
            exitCode,
            reason,
            ...(signal ? { signal: constants.signals[signal] } : {}),
            ...(run.startedAt ? { startedAt: run.startedAt } : {}),
            finishedAt: timestamp(),
          },
        })
        // The leader is gone; helpers it left in its group (tsx's esbuild) go with it.
        void stopGroup(child).then(resolve)
      })
    })
    child.once('spawn', () => {
      run.startedAt = timestamp()
      this.setState(run, { running: { startedAt: run.startedAt } })
      this.probeUntilReady(run)
    })
  }

  private probeUntilReady(run: Run): void {
    const child = run.child
    if (!child) return
    const check = async () => {
      const ready = await probeOnce(run.container, run.podIP)
      if (child.exitCode !== null || child.signalCode !== null) return
      if (ready) {
        this.updatePod(run, (status) => setReady(status, true))
        return
      }
      run.probe = setTimeout(check, PROBE_INTERVAL_MS)
    }
    run.probe = setTimeout(check, 0)
  }

  private setState(run: Run, state: Parameters<typeof setContainerState>[1]): void {
    this.updatePod(run, (status) => {
      setContainerState(status, state)
      if (state.running) status.phase = 'Running'
      if (state.terminated) {
        status.phase = state.terminated.exitCode === 0 ? 'Succeeded' : 'Failed'
        setReady(status, false)
      }
    })
  }

  /** The run of the pod that has this name now. */
  private find(namespace: string, name: string): Run | undefined {
    const uid = this.store.get('pods', namespace, name)?.metadata.uid
    return uid === undefined ? undefined : this.runs.get(uid)
  }

  private updatePod(run: Run, change: (status: PodStatus) => void): void {
    const current = this.store.get('pods', run.namespace, run.name)
    if (current?.metadata.uid !== run.uid) return
    this.store.update('pods', run.namespace, run.name, (pod) => {
      change(pod.status as unknown as PodStatus)
    })
  }

  private waitingReason(namespace: string, name: string): string {
    const pod = this.store.get('pods', namespace, name)
    const status = pod?.status as unknown as PodStatus | undefined
    return status?.containerStatuses[0]?.state.waiting?.reason ?? 'ContainerCreating'
  }

  private forget(run: Run): void {
    this.runs.delete(run.uid)
    if (run.workdir) rmSync(run.workdir, { recursive: true, force: true })
  }
}

/**
 * The container's argv: `command` then `args`, as Kubernetes joins them. Without a command the
 * image's entrypoint is taken to be agentapi (as in agentapi images); `agentapi` itself is the
 * echo agent, with the rest of the argv unchanged. Anything else runs as given, from PATH.
 */
function argv(container: ContainerSpec): string[] {
  const full = [...(container.command ?? ['agentapi']), ...(container.args ?? [])]
  if (basename(full[0] ?? '') === 'agentapi') return [...echoAgentArgv(), ...full.slice(1)]
  return full
}

// What a container gets from the node besides its own env: enough to find programs, and the
// test run's marker, so a container left running is found like any other test process.
function passedThrough(): Record<string, string> {
  const names = ['PATH', 'HOME', 'AGENTAPI_PROXY_TEST_RUN']
  return Object.fromEntries(
    names.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  )
}
