// A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must be
// a comment, a HELP or TYPE line, or a sample of a family whose TYPE came first; label values
// must be quoted and escaped; histograms must be cumulative and end in +Inf equal to _count.

/** One sample: its full name (`x_bucket`), labels and value. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** One metric family: its HELP, TYPE and samples. */
export interface Family {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'
  samples: Sample[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\["\\\\n])*)"`
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (\\S+)(?: (-?\\d+))?$`,
)
const SUFFIXES: Record<Family['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
}

/** Parses `text`, or throws naming the first line that is not valid. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>()
  text.split('\n').forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`)
    }
    if (line === '') return
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta) {
      readMeta(families, meta, fail)
      return
    }
    if (line.startsWith('#')) return
    const sample = readSample(line, fail)
    const family = familyOf(families, sample.name) ?? fail('a sample before its TYPE')
    family.samples.push(sample)
  })
  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family)
  }
  return families
}

function readMeta(
  families: Map<string, Family>,
  meta: RegExpExecArray,
  fail: (why: string) => never,
) {
  const [, kind, name = '', rest = ''] = meta
  if (!new RegExp(`^${NAME}$`).test(name)) fail('bad metric name')
  const family = families.get(name) ?? { name, help: '', type: 'untyped' as const, samples: [] }
  if (family.samples.length > 0) fail('HELP or TYPE after samples')
  if (kind === 'HELP') family.help = rest
  else if (rest in SUFFIXES) family.type = rest as Family['type']
  else fail('unknown TYPE')
  families.set(name, family)
}

function readSample(line: string, fail: (why: string) => never): Sample {
  const match = SAMPLE.exec(line) ?? fail('not a sample')
  const labels: Record<string, string> = {}
  const body = match[2] ?? ''
  for (const pair of body.matchAll(new RegExp(LABEL, 'g'))) {
    const [, key = '', raw = ''] = pair
    if (key in labels) fail(`label ${key} twice`)
    labels[key] = raw.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))
  }
  const text = match[match.length - 2] ?? ''
  const value = /^[+-]?Inf$/.test(text) ? Number(text.replace('Inf', 'Infinity')) : Number(text)
  // Prometheus reads values with Go's ParseFloat, which takes NaN in any case (prom-client
  // writes `Nan` for a gauge with no sample yet, such as the event loop's lag at start).
  if (/^nan$/i.test(text)) return { name: match[1] ?? '', labels, value: Number.NaN }
  if (Number.isNaN(value)) fail('value is not a number')
  return { name: match[1] ?? '', labels, value }
}

function familyOf(families: Map<string, Family>, sample: string): Family | undefined {
  for (const family of families.values()) {
    if (SUFFIXES[family.type].some((suffix) => `${family.name}${suffix}` === sample)) return family
  }
  return undefined
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>()
  for (const sample of family.samples) {
    const { le: _le, ...rest } = sample.labels
    const key = JSON.stringify(Object.entries(rest).sort())
    series.set(key, [...(series.get(key) ?? []), sample])
  }
  for (const [key, samples] of series) {
    const buckets = samples.filter((s) => s.name.endsWith('_bucket'))
    const count = samples.find((s) => s.name.endsWith('_count'))?.value
    let previous = 0
    for (const bucket of buckets) {
      if (bucket.value < previous) throw new Error(`${family.name}${key}: buckets not cumulative`)
      previous = bucket.value
    }
    const last = buckets.at(-1)
    if (last?.labels.le !== '+Inf' || last.value !== count) {
      throw new Error(`${family.name}${key}: no +Inf bucket equal to _count`)
    }
  }
}

/**
 * The value of one series (labels given must match, others are ignored); 0 when absent.
 *
 * @example
 * value(families, 'agentapi_proxy_auth_failures_total', { method: 'none' })
 */
export function value(
  families: Map<string, Family>,
  sample: string,
  labels: Record<string, string> = {},
): number {
  const family = familyOf(families, sample)
  const found = family?.samples.filter(
    (s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )
  return (found ?? []).reduce((sum, s) => sum + s.value, 0)
}
