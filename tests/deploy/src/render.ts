import { execFileSync } from 'node:child_process'
import { parseAllDocuments } from 'yaml'

/** `kubectl version --client`'s first line, or null when kubectl cannot be run. */
export function kubectlVersion(): string | null {
  try {
    const out = execFileSync('kubectl', ['version', '--client'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    })
    return out.split('\n')[0] ?? ''
  } catch {
    return null
  }
}

/** A Kubernetes object as rendered: plain YAML data, checked by the caller. */
export type Manifest = Record<string, unknown> & {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; [key: string]: unknown }
}

/** Renders a kustomization with kubectl's built-in kustomize; every document parsed. */
export function kustomize(dir: string): { text: string; manifests: Manifest[] } {
  const text = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  })
  const manifests = parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.join('\n'))
    return document.toJS() as Manifest
  })
  return { text, manifests }
}
