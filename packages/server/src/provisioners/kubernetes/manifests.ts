import type {
  V1PersistentVolumeClaim,
  V1Pod,
  V1Secret,
  V1Service,
  V1Toleration,
} from '@kubernetes/client-node'
import type { KubernetesSettings } from '../../config/schema.ts'
import type { AgentSpec } from '../provisioner.ts'
import { objectName, sessionAnnotations, sessionLabels } from './names.ts'

// The image brings its own; the proxy's would point at paths that exist only in its container.
const FROM_THE_IMAGE = new Set(['PATH', 'HOME', 'HOSTNAME', 'TMPDIR'])
const CONTAINER = 'agent'

/** What one session is on Kubernetes; the Service is owned by the Pod once it exists. */
export interface SessionManifests {
  secret: V1Secret
  pod: V1Pod
  service: (pod: { uid: string }) => V1Service
  claim: V1PersistentVolumeClaim | null
}

/**
 * The objects of one session's agent. Its environment — tokens included — goes into a Secret of
 * its own that the Pod reads with `envFrom`, never into the Pod spec, which anyone who may list
 * pods can read. Readiness is the agent's port accepting connections: agentapi's `/status`
 * answers only with the session's secret, which a probe in the spec would expose.
 *
 * @example
 * const { secret, pod, service } = sessionManifests(spec, settings, 'alice')
 */
export function sessionManifests(
  spec: AgentSpec,
  settings: KubernetesSettings,
  userId: string | null,
): SessionManifests {
  const name = objectName(spec.sessionId)
  const metadata = () => ({
    name,
    labels: sessionLabels(spec.sessionId, userId),
    annotations: sessionAnnotations(spec.sessionId, userId),
  })
  const env = Object.fromEntries(
    Object.entries(spec.env).filter(([key]) => !FROM_THE_IMAGE.has(key)),
  )
  const argv = spec.command.map((arg) => arg.replaceAll('{port}', String(settings.port)))
  const [command, ...args] = argv
  const storage = settings.storage
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata(),
    spec: {
      restartPolicy: 'Never',
      // An agent runs arbitrary code: no API credentials unless a service account is chosen.
      automountServiceAccountToken: settings.service_account_name !== undefined,
      ...(settings.service_account_name
        ? { serviceAccountName: settings.service_account_name }
        : {}),
      ...(settings.image_pull_secrets.length > 0
        ? { imagePullSecrets: settings.image_pull_secrets.map((secret) => ({ name: secret })) }
        : {}),
      ...(Object.keys(settings.node_selector).length > 0
        ? { nodeSelector: settings.node_selector }
        : {}),
      ...(settings.tolerations.length > 0
        ? { tolerations: settings.tolerations as V1Toleration[] }
        : {}),
      containers: [
        {
          name: CONTAINER,
          image: settings.image,
          imagePullPolicy: settings.image_pull_policy,
          ...(command ? { command: [command] } : {}),
          args,
          envFrom: [{ secretRef: { name } }],
          ports: [{ name: 'agentapi', containerPort: settings.port }],
          readinessProbe: {
            tcpSocket: { port: settings.port },
            periodSeconds: 2,
          },
          resources: settings.resources,
          ...(storage
            ? {
                workingDir: storage.mount_path,
                volumeMounts: [{ name: 'workspace', mountPath: storage.mount_path }],
              }
            : {}),
        },
      ],
      ...(storage
        ? { volumes: [{ name: 'workspace', persistentVolumeClaim: { claimName: name } }] }
        : {}),
    },
  }
  return {
    secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: metadata(),
      type: 'Opaque',
      stringData: env,
    },
    pod,
    service: ({ uid }) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...metadata(),
        // Deleting the Pod removes its Service (garbage collection).
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name, uid, blockOwnerDeletion: true }],
      },
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/instance': name },
        ports: [{ name: 'agentapi', port: settings.port, targetPort: settings.port }],
      },
    }),
    claim: storage
      ? {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: metadata(),
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: storage.size } },
            ...(storage.storage_class ? { storageClassName: storage.storage_class } : {}),
          },
        }
      : null,
  }
}
