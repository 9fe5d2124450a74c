import type { CredentialRef } from '../auth/principal.ts'

/** One open proxied exchange, as the registry holds it. */
export interface OpenStream {
  sessionId: string
  /** The caller's credential; streams of callers the proxy cannot revoke (GitHub tokens) omit it. */
  credential?: CredentialRef | undefined
  /** Ends the exchange at once (destroys the caller's connection). */
  cut(): void
}

// setTimeout takes at most a signed 32-bit delay; a later expiry is re-armed when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1

// A request authenticated just before a revocation registers just after it; revocations are
// remembered this long so that such a latecomer is cut at once instead of staying open.
const REMEMBER_REVOKED_MS = 60_000

interface Entry {
  stream: OpenStream
  timer: NodeJS.Timeout | undefined
}

/**
 * Every open proxied exchange, by session and by credential, so that an SSE stream (or any
 * long request) does not outlive what let it in: it is cut when its credential is revoked
 * (API-key DELETE, OAuth logout or refresh), when the credential expires (a timer at its
 * `expires_at`), and when its session is deleted. Authentication at request time covers new
 * requests; this covers the ones already open.
 *
 * @example
 * const release = streams.register({ sessionId, credential: principal.credential, cut: () => res.destroy() })
 * res.once('close', release)
 * streams.revoke(['key_abc']) // every stream opened with key_abc, or a key it minted, ends
 */
export class StreamRegistry {
  readonly #bySession = new Map<string, Set<Entry>>()
  readonly #byCredential = new Map<string, Set<Entry>>()
  readonly #revokedAt = new Map<string, number>()
  readonly #clock: () => number

  constructor(clock: () => number = Date.now) {
    this.#clock = clock
  }

  /** How many exchanges are open (for tests and metrics). */
  get size(): number {
    let count = 0
    for (const entries of this.#bySession.values()) count += entries.size
    return count
  }

  /** Tracks an exchange until the returned function is called (when it closes). */
  register(stream: OpenStream): () => void {
    const entry: Entry = { stream, timer: undefined }
    if (stream.credential?.ids.some((id) => this.#revokedAt.has(id))) {
      stream.cut()
      return () => {}
    }
    add(this.#bySession, stream.sessionId, entry)
    for (const id of stream.credential?.ids ?? []) add(this.#byCredential, id, entry)
    const expiresAt = stream.credential?.expires_at
    if (expiresAt) this.#arm(entry, Date.parse(expiresAt))
    return () => this.#release(entry)
  }

  /** Cuts every exchange opened with one of these credentials, or with one they minted. */
  revoke(credentialIds: readonly string[]): void {
    const now = this.#clock()
    // Map order is insertion order: the oldest revocations come first.
    for (const [id, at] of this.#revokedAt) {
      if (now - at < REMEMBER_REVOKED_MS) break
      this.#revokedAt.delete(id)
    }
    for (const id of credentialIds) {
      this.#revokedAt.delete(id)
      this.#revokedAt.set(id, now)
      this.#cutAll(this.#byCredential.get(id))
    }
  }

  /** Cuts every exchange with this session (it is being deleted). */
  endSession(sessionId: string): void {
    this.#cutAll(this.#bySession.get(sessionId))
  }

  #cutAll(entries: Set<Entry> | undefined): void {
    if (!entries) return
    for (const entry of [...entries]) {
      this.#release(entry)
      entry.stream.cut()
    }
  }

  #arm(entry: Entry, at: number): void {
    const delay = Math.max(0, at - this.#clock())
    entry.timer = setTimeout(
      () => (delay > MAX_TIMER_MS ? this.#arm(entry, at) : this.#cutAll(new Set([entry]))),
      Math.min(delay, MAX_TIMER_MS),
    )
    // An open stream must not keep the process alive at shutdown just to be cut later.
    entry.timer.unref()
  }

  #release(entry: Entry): void {
    clearTimeout(entry.timer)
    remove(this.#bySession, entry.stream.sessionId, entry)
    for (const id of entry.stream.credential?.ids ?? []) remove(this.#byCredential, id, entry)
  }
}

function add(map: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  const entries = map.get(key)
  if (entries) entries.add(entry)
  else map.set(key, new Set([entry]))
}

function remove(map: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  const entries = map.get(key)
  if (!entries?.delete(entry)) return
  if (entries.size === 0) map.delete(key)
}
