import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigSchema, loadConfig } from '@agentapi-proxy/server'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
// The provisioner's own manifests: the NetworkPolicy must select the pods it makes.
import { sessionManifests } from '../../../packages/server/src/provisioners/kubernetes/manifests.ts'
// One copy of the schema check, beside the server's other test helpers.
import { assertValidManifest } from '../../../packages/server/test/kubernetes-manifests.ts'
import { kubectlVersion, kustomize, type Manifest } from './render.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const OVERLAY = join(ROOT, 'deploy/kustomize/overlays/example')
const KUBECTL = kubectlVersion()

// Pod and container fields, typed only as far as these checks read them.
interface Container {
  name: string
  image: string
  args?: string[]
  ports?: { name?: string; containerPort: number }[]
  env?: {
    name: string
    value?: string
    valueFrom?: {
      fieldRef?: { fieldPath: string }
      secretKeyRef?: { name: string; key: string }
    }
  }[]
  readinessProbe?: { httpGet?: { path: string; port: string | number } }
  livenessProbe?: { httpGet?: { path: string; port: string | number } }
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext?: Record<string, unknown>
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[]
}
interface PodSpec {
  serviceAccountName?: string
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number }
  containers: Container[]
  volumes?: { name: string; configMap?: { name: string } }[]
}
interface DeploymentSpec {
  replicas?: number
  selector: { matchLabels: Record<string, string> }
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec }
}
interface Rule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
}

describe('kubectl', () => {
  it('is on PATH, to render the kustomize overlay', (ctx) => {
    if (!KUBECTL && !process.env.CI) {
      ctx.skip('kubectl is not on PATH: the overlay is not rendered here (CI fails instead)')
    }
    expect(KUBECTL, 'kubectl version --client failed').toMatch(/Client Version/)
  })
})

describe.skipIf(!KUBECTL)('deploy/kustomize/base, rendered', () => {
  it('sets no namespace, so that an overlay chooses it', () => {
    const { manifests } = kustomize(join(ROOT, 'deploy/kustomize/base'))
    expect(manifests.length).toBeGreaterThan(0)
    const namespaced = manifests.filter(({ metadata }) => metadata.namespace !== undefined)
    expect(namespaced.map(({ kind }) => kind)).toEqual([])
    for (const manifest of manifests) assertValidManifest(manifest)
  })
})

describe.skipIf(!KUBECTL)('deploy/kustomize/overlays/example, rendered', () => {
  const { text, manifests } = KUBECTL ? kustomize(OVERLAY) : { text: '', manifests: [] }
  const only = (kind: string): Manifest => {
    const found = manifests.filter((manifest) => manifest.kind === kind)
    expect(
      found.map((manifest) => manifest.metadata.name),
      kind,
    ).toHaveLength(1)
    return found[0] as Manifest
  }
  const deployment = () => only('Deployment') as Manifest & { spec: DeploymentSpec }
  const proxy = () => deployment().spec.template.spec.containers[0] as Container

  it('renders exactly the expected objects, each valid against the official schema', () => {
    expect(manifests.map(({ apiVersion, kind }) => `${apiVersion}/${kind}`).sort()).toEqual([
      'apps/v1/Deployment',
      'networking.k8s.io/v1/NetworkPolicy',
      'policy/v1/PodDisruptionBudget',
      'rbac.authorization.k8s.io/v1/Role',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/ConfigMap',
      'v1/Service',
      'v1/ServiceAccount',
    ])
    for (const manifest of manifests) assertValidManifest(manifest)
  })

  it('puts everything in the overlay namespace', () => {
    expect(new Set(manifests.map((manifest) => manifest.metadata.namespace))).toEqual(
      new Set(['agentapi']),
    )
  })

  it('runs two replicas of the overlay image, probed on /ready and /health', () => {
    const { spec } = deployment()
    expect(spec.replicas).toBe(2)
    const container = proxy()
    expect(container.image).toBe('registry.example.com/agentapi-proxy:0.1.0')
    const http = container.ports?.find((port) => port.name === 'http')
    expect(http?.containerPort).toBe(8080)
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' })
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' })
    expect(container.resources?.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    })
    expect(container.resources?.limits).toMatchObject({ memory: expect.any(String) })
  })

  it('runs as a non-root uid, without privilege escalation or capabilities', () => {
    const pod = deployment().spec.template.spec
    expect(pod.securityContext?.runAsNonRoot).toBe(true)
    // A named image user cannot be checked by the kubelet against runAsNonRoot: it needs the uid.
    expect(pod.securityContext?.runAsUser).toBeGreaterThan(0)
    expect(proxy().securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    })
  })

  it('reads its config from the generated ConfigMap, mounted where --config points', () => {
    const pod = deployment().spec.template.spec
    const container = proxy()
    const args = container.args ?? []
    const file = args[args.indexOf('--config') + 1] ?? ''
    expect(file).toBe('/etc/agentapi-proxy/config.yaml')
    const mount = container.volumeMounts?.find(
      ({ mountPath }) => `${mountPath}/config.yaml` === file,
    )
    expect(mount?.readOnly).toBe(true)
    const volume = pod.volumes?.find(({ name }) => name === mount?.name)
    expect(volume?.configMap?.name).toBe(only('ConfigMap').metadata.name)
  })

  it('takes the encryption key, the PostgreSQL URL and the metrics token from the operator Secret, by reference', () => {
    const env = new Map(proxy().env?.map((entry) => [entry.name, entry]))
    expect(env.get('AGENTAPI_PROXY_ENCRYPTION_KEY')?.valueFrom?.secretKeyRef).toEqual({
      name: 'agentapi-proxy',
      key: 'encryption-key',
    })
    expect(env.get('POSTGRES_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'agentapi-proxy',
      key: 'postgres-url',
    })
    expect(env.get('METRICS_TOKEN')?.valueFrom?.secretKeyRef).toEqual({
      name: 'agentapi-proxy',
      key: 'metrics-token',
    })
    expect(env.get('POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name')
    expect(env.get('AGENT_IMAGE')?.value).toBe('registry.example.com/agentapi-proxy-agent:0.1.0')
  })

  it('holds no secret value: no Secret object, no literal credential', () => {
    expect(manifests.filter(({ kind }) => kind === 'Secret')).toEqual([])
    const literal = proxy().env?.filter(
      ({ name, value }) => value !== undefined && /KEY|SECRET|PASSWORD|TOKEN|URL/.test(name),
    )
    expect(literal).toEqual([])
    // A connection URL with credentials, a private key, or a config key that holds a secret.
    expect(text).not.toMatch(/postgres(ql)?:\/\/[^\s$]/)
    expect(text).not.toMatch(/PRIVATE KEY|encryption_key|client_secret/)
    const config = parseYaml(
      (only('ConfigMap') as Manifest & { data: Record<string, string> }).data['config.yaml'] ?? '',
    )
    for (const { key } of config.auth.static.api_keys) expect(key).toMatch(/^\$\{\w+\}$/)
  })

  it('grants a namespaced Role with exactly the provisioner rules, bound to the proxy only', () => {
    expect(manifests.filter(({ kind }) => kind.startsWith('Cluster'))).toEqual([])
    const role = only('Role') as Manifest & { rules: Rule[] }
    const rules = role.rules.map((rule) => ({
      apiGroups: rule.apiGroups,
      resources: [...rule.resources].sort(),
      verbs: [...rule.verbs].sort(),
    }))
    expect(rules).toEqual([
      {
        apiGroups: [''],
        resources: ['persistentvolumeclaims', 'pods', 'secrets', 'services'],
        verbs: ['create', 'delete', 'get', 'list', 'watch'],
      },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ])
    const binding = only('RoleBinding') as Manifest & {
      roleRef: { kind: string; name: string }
      subjects: { kind: string; name: string; namespace?: string }[]
    }
    const account = only('ServiceAccount').metadata.name
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: role.metadata.name })
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: account, namespace: 'agentapi' },
    ])
    expect(deployment().spec.template.spec).toMatchObject({
      serviceAccountName: account,
      automountServiceAccountToken: true,
    })
  })

  it('serves port 80 of the Service from the pods port 8080', () => {
    const service = only('Service') as Manifest & {
      spec: { selector: Record<string, string>; ports: { port: number; targetPort: unknown }[] }
    }
    expect(service.spec.ports).toMatchObject([{ port: 80, targetPort: 'http' }])
    const { spec } = deployment()
    expect(spec.template.metadata.labels).toMatchObject(service.spec.selector)
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels)
  })

  it('keeps one replica up through a drain, and spreads replicas over nodes', () => {
    const budget = only('PodDisruptionBudget') as Manifest & {
      spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } }
    }
    const { spec } = deployment()
    expect(budget.spec.minAvailable).toBe(1)
    expect(budget.spec.selector.matchLabels).toEqual(spec.selector.matchLabels)
    const spread = (spec.template.spec as { topologySpreadConstraints?: unknown[] })
      .topologySpreadConstraints
    expect(spread).toMatchObject([
      {
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: { matchLabels: spec.selector.matchLabels },
      },
    ])
  })

  it('lets only the proxy pods reach the agent pods, on the agent port', () => {
    const policy = only('NetworkPolicy') as Manifest & {
      spec: {
        podSelector: { matchLabels: Record<string, string> }
        policyTypes: string[]
        ingress: {
          from: { podSelector: { matchLabels: Record<string, string> } }[]
          ports: { port: number }[]
        }[]
      }
    }
    // The labels the provisioner gives every agent pod.
    const { provisioner } = ConfigSchema.parse({
      provisioner: { kind: 'kubernetes', image: 'agent:1.0.0' },
    })
    if (provisioner.kind !== 'kubernetes') throw new Error('not the kubernetes provisioner')
    const spec = { sessionId: 'S1', command: ['agentapi'], env: {}, repository: null }
    const { pod } = sessionManifests(spec, provisioner, 'alice')
    expect(pod.metadata?.labels).toMatchObject(policy.spec.podSelector.matchLabels)
    expect(policy.spec.policyTypes).toEqual(['Ingress'])
    const [rule, ...others] = policy.spec.ingress
    expect(others).toEqual([])
    expect(rule?.from).toEqual([
      { podSelector: { matchLabels: deployment().spec.selector.matchLabels } },
    ])
    const agentPort = pod.spec?.containers[0]?.ports?.[0]?.containerPort
    expect(rule?.ports).toEqual([{ port: agentPort, protocol: 'TCP' }])
  })

  it('names the Secret and its keys as deploy/README.md tells the operator to create them', () => {
    const readme = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8')
    const command = /kubectl create secret generic (\S+)(?:[^\n\\]|\\\n)*/.exec(readme)
    expect(command?.[1]).toBe('agentapi-proxy')
    const documented = [...(command?.[0] ?? '').matchAll(/--from-literal=([\w-]+)=/g)].map(
      ([, key]) => key,
    )
    const referenced = (proxy().env ?? [])
      .map(({ valueFrom }) => valueFrom?.secretKeyRef)
      .filter((ref) => ref !== undefined)
    expect(new Set(referenced.map(({ name }) => name))).toEqual(new Set([command?.[1]]))
    expect(referenced.map(({ key }) => key).sort()).toEqual(documented.sort())
  })

  it('configures PostgreSQL, a 15 s lease and the pod name as replica id, in YAML', () => {
    const configMap = only('ConfigMap') as Manifest & { data: Record<string, string> }
    const config = parseYaml(configMap.data['config.yaml'] ?? '')
    expect(config).toMatchObject({
      auth: { enabled: true, static: { enabled: true } },
      host: '0.0.0.0',
      port: 8080,
      persistence: { backend: 'postgres', url: '${POSTGRES_URL}' },
      replica: { id: '${POD_NAME}', lease: '15s' },
      provisioner: {
        kind: 'kubernetes',
        namespace: '${POD_NAMESPACE}',
        image: '${AGENT_IMAGE}',
        // The agent image's working directory.
        storage: { mount_path: '/workspace' },
      },
    })
    // Every ${VAR} must be set in the container, or the proxy refuses to start.
    const referenced = [...(configMap.data['config.yaml'] ?? '').matchAll(/^[^#]*\$\{(\w+)\}/gm)]
    const defined = new Set(proxy().env?.map(({ name }) => name))
    for (const [, name] of referenced) expect(defined, `\${${name}}`).toContain(name)
  })

  it('loads with the server config loader, with the pod environment', () => {
    const configMap = only('ConfigMap') as Manifest & { data: Record<string, string> }
    const dir = mkdtempSync(join(tmpdir(), 'aap-deploy-config-'))
    try {
      const file = join(dir, 'config.yaml')
      writeFileSync(file, configMap.data['config.yaml'] ?? '')
      const env = {
        POD_NAME: 'agentapi-proxy-7d9f8c6b5-x2x4q',
        POD_NAMESPACE: 'agentapi',
        POSTGRES_URL: 'postgres://proxy@db:5432/agentapi',
        AGENT_IMAGE: 'registry.example.com/agentapi-proxy-agent:0.1.0',
        ADMIN_API_KEY: 'a'.repeat(64),
        METRICS_TOKEN: 'm'.repeat(64),
      }
      const { config } = loadConfig({ file, env })
      expect(config.replica).toEqual({ id: env.POD_NAME, lease: 15_000 })
      expect(config.metrics.token).toBe(env.METRICS_TOKEN)
      expect(config.persistence).toMatchObject({ backend: 'postgres', url: env.POSTGRES_URL })
      expect(config.provisioner).toMatchObject({
        kind: 'kubernetes',
        namespace: 'agentapi',
        image: env.AGENT_IMAGE,
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
