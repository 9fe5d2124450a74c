// What the soak benchmark's clients measured, cut into windows: every request lands in the
// window in which it completed, and the sampler cuts a window every SOAK_WINDOW seconds.
import { percentile } from './stats.ts'

/**
 * `refused` is agentapi's documented answer to a user message while the agent is not `stable`:
 * counted apart from errors, and never silently dropped.
 */
export type Outcome = 'ok' | 'refused' | 'error'

/** Requests that completed in one window; latencies in ms. */
export interface Window {
  requests: number
  errors: number
  refused: number
  latencies: number[]
}

interface ActionTotals {
  requests: number
  errors: number
  refused: number
  latencies: number[]
}

const emptyWindow = (): Window => ({ requests: 0, errors: 0, refused: 0, latencies: [] })

export class SoakRecord {
  #window = emptyWindow()
  #actions = new Map<string, ActionTotals>()
  #errorKinds = new Map<string, number>()
  #refusalKinds = new Map<string, number>()
  #open = 0
  #peak = 0

  /** SSE streams open right now. */
  get openStreams(): number {
    return this.#open
  }

  /** One SSE stream opened (+1) or closed (-1). */
  stream(delta: 1 | -1): void {
    this.#open += delta
    this.#peak = Math.max(this.#peak, this.#open)
  }

  /** The most SSE streams open at once since the last call. */
  cutPeak(): number {
    const peak = this.#peak
    this.#peak = this.#open
    return peak
  }

  record(action: string, ms: number, outcome: Outcome, kind = ''): void {
    const totals = this.#actions.get(action) ?? {
      requests: 0,
      errors: 0,
      refused: 0,
      latencies: [],
    }
    this.#actions.set(action, totals)
    for (const into of [this.#window, totals]) {
      into.requests++
      into.latencies.push(ms)
      if (outcome === 'error') into.errors++
      if (outcome === 'refused') into.refused++
    }
    const kinds = outcome === 'error' ? this.#errorKinds : this.#refusalKinds
    if (outcome !== 'ok') kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
  }

  /** Ends the current window and returns it. */
  cut(): Window {
    const window = this.#window
    this.#window = emptyWindow()
    return window
  }

  /** Every request of the run. */
  overall(): Window {
    const all = emptyWindow()
    for (const t of this.#actions.values()) {
      all.requests += t.requests
      all.errors += t.errors
      all.refused += t.refused
      for (const latency of t.latencies) all.latencies.push(latency)
    }
    return all
  }

  /** Per action: requests, errors, refusals, p50 and p99. */
  actions(): (string | number)[][] {
    return [...this.#actions]
      .sort(([, a], [, b]) => b.requests - a.requests)
      .map(([action, t]) => [
        action,
        t.requests,
        t.errors,
        t.refused,
        ms(percentile(t.latencies, 50)),
        ms(percentile(t.latencies, 99)),
      ])
  }

  /** The `count` most frequent error kinds (or refusal kinds), most frequent first. */
  top(which: 'errors' | 'refusals', count = 8): [string, number][] {
    const kinds = which === 'errors' ? this.#errorKinds : this.#refusalKinds
    return [...kinds].sort(([, a], [, b]) => b - a).slice(0, count)
  }
}

export const ms = (value: number): string =>
  Number.isFinite(value) ? `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms` : 'n/a'
