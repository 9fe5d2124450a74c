/** What changed: one session's row, or `*` when any row may have (a reconnect, a prune). */
export type SessionChange = string

/**
 * Tells this process that session rows changed, whoever changed them: the store itself (one
 * process: SQLite, memory) or PostgreSQL notifications from every replica. `reliable` is false
 * while changes may be missed (the listening connection is down): a cache must not trust
 * itself then. Separately, it says when the event log grew (with the newest id written).
 */
export class ChangeFeed {
  #listeners = new Set<(change: SessionChange) => void>()
  #eventListeners = new Set<(latestId: number) => void>()
  #reliable = true

  get reliable(): boolean {
    return this.#reliable
  }

  subscribe(listener: (change: SessionChange) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  emit(change: SessionChange): void {
    for (const listener of this.#listeners) listener(change)
  }

  /** Listens for new entries of the event log; a `*` change may also mean some were missed. */
  subscribeEvents(listener: (latestId: number) => void): () => void {
    this.#eventListeners.add(listener)
    return () => this.#eventListeners.delete(listener)
  }

  emitEvents(latestId: number): void {
    for (const listener of this.#eventListeners) listener(latestId)
  }

  /** Marks changes as possibly missed (false) or delivered again (true); both mean "reload". */
  setReliable(reliable: boolean): void {
    this.#reliable = reliable
    this.emit('*')
  }
}

/** Columns whose change changes where or whether a session routes (status, URL, secret…). */
export const ROUTING_COLUMNS = ['status', 'agent_url', 'agent_secret', 'user_id', 'error'] as const
