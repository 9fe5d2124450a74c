import { AppError } from '../errors.ts'

/** What `session.repository` and `auth.github.base_url` say about clones. */
export interface RepositoryPolicyOptions {
  /** Where `owner/repo` is cloned from, e.g. `https://github.com`. */
  githubUrl: string
  /** Hosts a git URL may name; the host of `githubUrl` when unset. */
  allowedHosts?: readonly string[] | undefined
  /** Whether `file://` URLs may be cloned (they reach the proxy's disk, other sessions included). */
  allowLocal?: boolean | undefined
}

const OWNER_REPO = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9_.-]+)$/
// scp-like ssh syntax: user@host:path. A host that starts with `-` would be an ssh option.
const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9][A-Za-z0-9.-]*):(?!\/\/)(\S+)$/

/**
 * The GitHub web origin that goes with a GitHub API base: `https://api.github.com` →
 * `https://github.com`, `https://ghe.example/api/v3` → `https://ghe.example`.
 *
 * @example
 * githubWebUrl('https://api.github.com') // 'https://github.com'
 */
export function githubWebUrl(apiBase: string): string {
  const url = new URL(apiBase)
  const host = url.host.replace(/^api\./, '')
  return `${url.protocol}//${host}`
}

/**
 * Decides which repositories a session may clone, and the URL handed to git. Only `https` and
 * `ssh` to the allowed hosts pass, and `file://` when the admin allows local clones; `http` and
 * `git://` are refused (the token would cross the network in clear), as are URLs that carry
 * credentials (they would be stored, shown and logged: the token belongs in GITHUB_TOKEN).
 *
 * @example
 * const policy = new RepositoryPolicy({ githubUrl: 'https://github.com' })
 * policy.cloneUrl('octo/hello') // 'https://github.com/octo/hello.git'
 * policy.cloneUrl('file:///etc') // throws invalid_request naming repository
 */
export class RepositoryPolicy {
  readonly #githubUrl: string
  readonly #hosts: ReadonlySet<string>
  readonly #allowLocal: boolean

  constructor(options: RepositoryPolicyOptions) {
    this.#githubUrl = options.githubUrl.replace(/\/+$/, '')
    const hosts = options.allowedHosts ?? [new URL(this.#githubUrl).hostname]
    this.#hosts = new Set(hosts.map((h) => h.toLowerCase()))
    this.#allowLocal = options.allowLocal ?? false
  }

  /** The URL to clone for `repository`, or a 422 naming `repository` that says why not. */
  cloneUrl(repository: string): string {
    const ownerRepo = OWNER_REPO.exec(repository)
    if (ownerRepo && ownerRepo[2] !== '.' && ownerRepo[2] !== '..') {
      const name = repository.endsWith('.git') ? repository : `${repository}.git`
      return `${this.#githubUrl}/${name}`
    }
    const scp = SCP_LIKE.exec(repository)
    if (scp) {
      this.#checkHost(scp[2] ?? '')
      return repository
    }
    return this.#checkUrl(repository)
  }

  #checkUrl(repository: string): string {
    let url: URL
    try {
      url = new URL(repository)
    } catch {
      throw refuse('Use owner/repo, an https:// or ssh:// git URL, or user@host:path')
    }
    if (url.protocol === 'file:') {
      if (!this.#allowLocal) {
        throw refuse('Local repositories are not allowed (session.repository.allow_local)')
      }
      if (url.host !== '') throw refuse('A file:// URL may not name a host')
      return url.href
    }
    if (url.protocol !== 'https:' && url.protocol !== 'ssh:') {
      throw refuse(`${url.protocol}// is not allowed: use https:// or ssh://`)
    }
    // A user name over ssh is the account (git@), not a secret; anything else is a credential.
    if (url.password !== '' || (url.protocol === 'https:' && url.username !== '')) {
      throw refuse('Credentials in the URL are refused: pass the token as environment.GITHUB_TOKEN')
    }
    this.#checkHost(url.hostname)
    return url.href
  }

  #checkHost(host: string): void {
    if (this.#hosts.has(host.toLowerCase())) return
    const allowed = [...this.#hosts].join(', ')
    throw refuse(
      `${host} is not an allowed host; allowed: ${allowed} (session.repository.allowed_hosts)`,
    )
  }
}

function refuse(message: string): AppError {
  return new AppError('invalid_request', `Invalid body: repository: ${message}`, {
    errors: [{ path: 'repository', message }],
  })
}
