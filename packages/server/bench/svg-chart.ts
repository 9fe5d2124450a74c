// A line chart as SVG text, for figures committed beside the README: panels stacked over one
// shared x axis, each with its own y axis. Hand-written so a benchmark needs no charting library.

/** One line: its name in the legend, its colour, its points (x, y). */
export interface Series {
  name: string
  color: string
  points: [number, number][]
  dashed?: boolean
}

export interface Panel {
  /** The y axis label, with its unit: `proxy RSS (MB)`. */
  label: string
  series: Series[]
}

export interface Chart {
  title: string
  subtitle?: string
  xLabel: string
  panels: Panel[]
  width?: number
  height?: number
}

const MARGIN = { top: 80, right: 24, bottom: 52, left: 72 }
const GAP = 56

/**
 * The chart as a standalone SVG document.
 *
 * @example
 * writeFileSync('docs/soak.svg', svgChart({ title: 'RSS', xLabel: 'elapsed (s)', panels }))
 */
export function svgChart(chart: Chart): string {
  const width = chart.width ?? 900
  const height = chart.height ?? 500
  const xs = chart.panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)))
  const x = scale(ticks(0, Math.max(1, ...xs)), MARGIN.left, width - MARGIN.right)
  const panelHeight =
    (height - MARGIN.top - MARGIN.bottom - GAP * (chart.panels.length - 1)) / chart.panels.length
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12" role="img">`,
    // What a screen reader (and an image without its picture) says for the chart.
    `<title>${xml([chart.title, chart.subtitle].filter(Boolean).join(': '))}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${xml(chart.title)}</text>`,
  ]
  if (chart.subtitle)
    parts.push(
      `<text x="${width / 2}" y="44" text-anchor="middle" fill="#555">${xml(chart.subtitle)}</text>`,
    )
  chart.panels.forEach((panel, index) => {
    const top = MARGIN.top + index * (panelHeight + GAP)
    const last = index === chart.panels.length - 1
    parts.push(...drawPanel(panel, x, top, top + panelHeight, last))
  })
  parts.push(
    `<text x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 12}" text-anchor="middle">${xml(chart.xLabel)}</text>`,
    '</svg>',
  )
  return `${parts.join('\n')}\n`
}

interface Scale {
  ticks: number[]
  at(value: number): number
}

function drawPanel(panel: Panel, x: Scale, top: number, bottom: number, xTicks: boolean) {
  const ys = panel.series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite)
  const y = scale(ticks(0, Math.max(1, ...ys)), bottom, top)
  const [left, right] = [x.at(x.ticks[0] ?? 0), x.at(x.ticks.at(-1) ?? 0)]
  const parts: string[] = []
  for (const tick of y.ticks)
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${y.at(tick)}" y2="${y.at(tick)}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${y.at(tick) + 4}" text-anchor="end" fill="#444">${label(tick)}</text>`,
    )
  for (const tick of x.ticks) {
    parts.push(
      `<line x1="${x.at(tick)}" x2="${x.at(tick)}" y1="${bottom}" y2="${bottom + 4}" stroke="#444"/>`,
    )
    if (xTicks)
      parts.push(
        `<text x="${x.at(tick)}" y="${bottom + 18}" text-anchor="middle" fill="#444">${label(tick)}</text>`,
      )
  }
  parts.push(
    `<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#444"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#444"/>`,
    `<text transform="translate(${left - 52} ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${xml(panel.label)}</text>`,
  )
  panel.series.forEach((series, index) => {
    const points = series.points.filter(([, v]) => Number.isFinite(v))
    const path = points.map(([px, py]) => `${x.at(px).toFixed(1)},${y.at(py).toFixed(1)}`)
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : ''
    parts.push(
      `<polyline points="${path.join(' ')}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`,
      ...points.map(
        ([px, py]) =>
          `<circle cx="${x.at(px).toFixed(1)}" cy="${y.at(py).toFixed(1)}" r="2.5" fill="${series.color}"/>`,
      ),
    )
    // The legend sits in a row above the panel, where no line can hide it.
    const legendX = left + index * 200
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 20}" y1="${top - 12}" y2="${top - 12}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 26}" y="${top - 8}" fill="#222">${xml(series.name)}</text>`,
    )
  })
  return parts
}

/** Round tick values from `min` to at least `max`: steps of 1, 2 or 5 times a power of ten. */
export function ticks(min: number, max: number, count = 5): number[] {
  const raw = (max - min) / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power
  const values: number[] = []
  for (let value = Math.floor(min / step) * step; value < max + step; value += step) {
    values.push(Number(value.toPrecision(12)))
    if (value >= max) break
  }
  return values
}

function scale(values: number[], from: number, to: number): Scale {
  const [lo, hi] = [values[0] ?? 0, values.at(-1) ?? 1]
  return { ticks: values, at: (value) => from + ((value - lo) / (hi - lo || 1)) * (to - from) }
}

const label = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1))

function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}
