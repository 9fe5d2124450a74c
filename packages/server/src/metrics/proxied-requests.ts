const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const

// From a fast local answer (a refusal, a small JSON) to a slow agent; an SSE stream is timed to
// its headers, not its end.
const BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** One line of a metric as prom-client's registry formats it. */
interface MetricValue {
  labels: Record<string, string | number>
  value: number
  metricName?: string
}

/** What prom-client's `Registry.registerMetric` and its scrape read from a metric. */
export interface CollectedMetric {
  name: string
  help: string
  type: 'counter' | 'histogram'
  aggregator: 'sum'
  get(): { name: string; help: string; type: string; aggregator: 'sum'; values: MetricValue[] }
}

/**
 * Proxied requests by status class and the time to their response headers, kept in plain
 * arrays: the proxy's hot path pays a loop over 13 bounds and a few additions, nothing that
 * allocates or hashes label sets (prom-client's own histogram does both on every observation).
 * Scrapes read them as two metrics: a counter and a histogram.
 *
 * @example
 * const requests = new ProxiedRequests()
 * requests.observe(200, 0.004)
 * registry.registerMetric(requests.counter)
 */
export class ProxiedRequests {
  // Per class: one count per bound (not cumulative; summed at scrape), then the +Inf count.
  readonly #buckets = CLASSES.map(() => new Float64Array(BOUNDS.length + 1))
  readonly #sums = new Float64Array(CLASSES.length)
  readonly #counts = new Float64Array(CLASSES.length)

  observe(status: number, seconds: number): void {
    const index = Math.min(Math.max(Math.trunc(status / 100) - 1, 0), CLASSES.length - 1)
    let bound = 0
    while (bound < BOUNDS.length && seconds > (BOUNDS[bound] as number)) bound++
    const buckets = this.#buckets[index] as Float64Array
    buckets[bound] = (buckets[bound] as number) + 1
    this.#sums[index] = (this.#sums[index] as number) + seconds
    this.#counts[index] = (this.#counts[index] as number) + 1
  }

  readonly counter: CollectedMetric = this.#metric(
    'agentapi_proxy_proxied_requests_total',
    'Requests on the proxy path (/<session id>/…), by the status class of the answer',
    'counter',
    () =>
      CLASSES.map((status_class, i) => ({ labels: { status_class }, value: this.#counts[i] ?? 0 })),
  )

  readonly histogram: CollectedMetric = this.#metric(
    'agentapi_proxy_proxied_request_duration_seconds',
    'Time from a proxied request to its response headers, by status class',
    'histogram',
    () => CLASSES.flatMap((status_class, i) => this.#histogramLines(status_class, i)),
  )

  #histogramLines(statusClass: string, i: number): MetricValue[] {
    const name = 'agentapi_proxy_proxied_request_duration_seconds'
    const buckets = this.#buckets[i] as Float64Array
    const lines: MetricValue[] = []
    let cumulative = 0
    BOUNDS.forEach((le, bound) => {
      cumulative += buckets[bound] ?? 0
      lines.push({
        labels: { le, status_class: statusClass },
        value: cumulative,
        metricName: `${name}_bucket`,
      })
    })
    const count = this.#counts[i] ?? 0
    lines.push(
      {
        labels: { le: '+Inf', status_class: statusClass },
        value: count,
        metricName: `${name}_bucket`,
      },
      {
        labels: { status_class: statusClass },
        value: this.#sums[i] ?? 0,
        metricName: `${name}_sum`,
      },
      { labels: { status_class: statusClass }, value: count, metricName: `${name}_count` },
    )
    return lines
  }

  #metric(
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => MetricValue[],
  ): CollectedMetric {
    return {
      name,
      help,
      type,
      aggregator: 'sum',
      get: () => ({ name, help, type, aggregator: 'sum', values: values() }),
    }
  }
}
