/** The parts of a Pod's spec the fake acts on; everything else is stored and ignored. */
export interface ContainerSpec {
  name: string
  image: string
  command?: string[]
  args?: string[]
  env?: EnvVar[]
  envFrom?: { prefix?: string; secretRef?: { name: string; optional?: boolean } }[]
  ports?: { name?: string; containerPort: number }[]
  readinessProbe?: Probe
}

export interface EnvVar {
  name: string
  value?: string
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean }
    fieldRef?: { fieldPath: string }
  }
}

export interface Probe {
  httpGet?: {
    path?: string
    port: number | string
    host?: string
    httpHeaders?: { name: string; value: string }[]
  }
  tcpSocket?: { port: number | string; host?: string }
}

export interface PodSpec {
  containers: ContainerSpec[]
  restartPolicy?: string
  terminationGracePeriodSeconds?: number
}

export interface Condition {
  type: string
  status: 'True' | 'False'
  lastTransitionTime: string
  lastProbeTime: null
  reason?: string
}

export interface ContainerState {
  waiting?: { reason: string; message?: string }
  running?: { startedAt: string }
  terminated?: {
    exitCode: number
    reason: string
    signal?: number
    startedAt?: string
    finishedAt: string
  }
}

export interface ContainerStatus {
  name: string
  image: string
  imageID: string
  ready: boolean
  started: boolean
  restartCount: number
  state: ContainerState
}

export interface PodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed'
  conditions: Condition[]
  hostIP: string
  podIP: string
  podIPs: { ip: string }[]
  startTime: string
  containerStatuses: ContainerStatus[]
}
