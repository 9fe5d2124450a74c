import { timestamp } from './objects.ts'
import type { Condition, ContainerSpec, ContainerState, PodStatus } from './pod-spec.ts'

/** A just-scheduled pod: Pending, its container being created, its IP already assigned. */
export function pendingStatus(container: ContainerSpec, podIP: string): PodStatus {
  const now = timestamp()
  return {
    phase: 'Pending',
    conditions: [condition('PodScheduled', true), condition('Initialized', true)],
    hostIP: '127.0.0.1',
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    containerStatuses: [
      {
        name: container.name,
        image: container.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
      },
    ],
  }
}

/** Sets the first container's state; ready/started follow from it. */
export function setContainerState(status: PodStatus, state: ContainerState): void {
  const container = status.containerStatuses[0]
  if (!container) return
  container.state = state
  container.started = state.running !== undefined
  if (!state.running) container.ready = false
}

/** Sets the Ready and ContainersReady conditions (and the container's `ready`) together. */
export function setReady(status: PodStatus, ready: boolean): void {
  const container = status.containerStatuses[0]
  if (container) container.ready = ready
  for (const type of ['ContainersReady', 'Ready']) {
    const existing = status.conditions.find((entry) => entry.type === type)
    if (existing?.status === (ready ? 'True' : 'False')) continue
    status.conditions = status.conditions.filter((entry) => entry.type !== type)
    status.conditions.push(condition(type, ready))
  }
}

function condition(type: string, value: boolean): Condition {
  return {
    type,
    status: value ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: timestamp(),
  }
}
