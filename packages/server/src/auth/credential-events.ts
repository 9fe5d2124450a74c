/** Told the ids of credentials that stopped working; must not throw or reject. */
export type RevocationListener = (credentialIds: readonly string[]) => void | Promise<void>

/**
 * Where revocations are announced inside one process: API-key revocation, OAuth logout and
 * refresh publish; the stream registry (open proxied streams) and the API-key service (keys
 * minted by a signed-out OAuth session) listen. A credential check at request time covers new
 * requests; this covers what is already open.
 *
 * @example
 * const events = new CredentialEvents()
 * events.subscribe((ids) => streams.revoke(ids))
 * events.revoked(['key_abc'])
 */
export class CredentialEvents {
  readonly #listeners = new Set<RevocationListener>()

  /** Adds a listener; returns what removes it. */
  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Announces that these credentials no longer authenticate anyone; resolves once every
   * listener is done, so a sign-out answers only after the keys it minted are revoked too.
   */
  async revoked(credentialIds: readonly string[]): Promise<void> {
    if (credentialIds.length === 0) return
    await Promise.all([...this.#listeners].map((listener) => listener(credentialIds)))
  }
}
