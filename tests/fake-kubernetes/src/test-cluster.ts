import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node'
import { type FakeKubernetes, startFakeKubernetes } from './server.ts'

/** A fake cluster and the real client-node pointed at it through the fake's kubeconfig. */
export interface TestCluster {
  k8s: FakeKubernetes
  config: KubeConfig
  core: CoreV1Api
}

export async function startTestCluster(): Promise<TestCluster> {
  const k8s = await startFakeKubernetes()
  const config = new KubeConfig()
  config.loadFromString(k8s.kubeconfig())
  return { k8s, config, core: config.makeApiClient(CoreV1Api) }
}

export const AGENT_PORT = 3284

/**
 * A pod shaped like the one a kubernetes provisioner starts for a session: agentapi on 3284,
 * its secret from the session's Secret, ready once `/status` answers with that secret.
 */
export function agentPod(
  name: string,
  secret: string,
  image = 'ghcr.io/coder/agentapi:v0.10.0',
): V1Pod {
  return {
    metadata: { name, labels: { app: 'agentapi', session: name } },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: 'agent',
          image,
          command: ['agentapi'],
          // agentapi's default Host allow-list (localhost only) refuses the pod IP, which is what
          // the kubelet's probe and anyone going through the Service put in Host.
          args: [
            'server',
            '--allowed-hosts',
            '*',
            '--port',
            String(AGENT_PORT),
            '--type',
            'claude',
            '--',
            'claude',
          ],
          ports: [{ name: 'http', containerPort: AGENT_PORT }],
          env: [
            {
              name: 'AGENTAPI_PROXY_AGENT_SECRET',
              valueFrom: { secretKeyRef: { name: `${name}-secret`, key: 'secret' } },
            },
          ],
          readinessProbe: {
            httpGet: {
              path: '/status',
              port: 'http',
              httpHeaders: [{ name: 'x-agentapi-proxy-secret', value: secret }],
            },
          },
        },
      ],
    },
  }
}

/** The container's state once `check` accepts it. */
export function containerState(pod: V1Pod) {
  return pod.status?.containerStatuses?.[0]?.state
}

export function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
}
