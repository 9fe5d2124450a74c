import type { V1Pod } from '@kubernetes/client-node'
import type { AgentExit } from '../provisioner.ts'

// Waiting reasons the kubelet will not get past by itself: the start has failed.
const HOPELESS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CrashLoopBackOff',
])

/** What a Pod's status means for its agent. */
export type PodState =
  | { kind: 'pending'; why?: string }
  | { kind: 'running'; ready: boolean }
  | { kind: 'ended'; exit: AgentExit }

/**
 * Reads the agent's fate from a Pod: its container's terminated state (exit code and reason:
 * `OOMKilled`, `Error`), a waiting reason that will not resolve (`ImagePullBackOff`), or Running
 * with the Ready condition.
 */
export function podState(pod: V1Pod): PodState {
  const container = pod.status?.containerStatuses?.[0]
  const terminated = container?.state?.terminated
  if (terminated) {
    const reason = terminated.reason && terminated.reason !== 'Completed' ? terminated.reason : ''
    return {
      kind: 'ended',
      exit: { code: terminated.exitCode, signal: null, ...(reason ? { reason } : {}) },
    }
  }
  const waiting = container?.state?.waiting?.reason
  if (waiting && HOPELESS.has(waiting)) {
    const message = container?.state?.waiting?.message
    return {
      kind: 'ended',
      exit: { code: null, signal: null, reason: message ? `${waiting}: ${message}` : waiting },
    }
  }
  const phase = pod.status?.phase
  if (phase === 'Failed' || phase === 'Succeeded') {
    const reason = pod.status?.reason ?? `the pod ${phase === 'Failed' ? 'failed' : 'completed'}`
    return { kind: 'ended', exit: { code: null, signal: null, reason } }
  }
  if (phase === 'Running') {
    const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
    return { kind: 'running', ready: ready === true }
  }
  // Why it is still pending, for a start that times out: not scheduled, or still pulling.
  const unscheduled = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  )
  if (unscheduled?.reason) {
    const why = unscheduled.message
      ? `${unscheduled.reason}: ${unscheduled.message}`
      : unscheduled.reason
    return { kind: 'pending', why }
  }
  return waiting ? { kind: 'pending', why: waiting } : { kind: 'pending' }
}
