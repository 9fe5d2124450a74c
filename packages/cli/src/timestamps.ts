/**
 * How long ago a timestamp was, in its largest whole unit (as `kubectl get` shows ages).
 *
 * @example
 * age('2026-11-25T13:00:00Z', Date.parse('2026-11-25T15:30:00Z')) // '2h'
 */
export function age(timestamp: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000))
  if (Number.isNaN(seconds)) return '-'
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86_400)}d`
}

/**
 * A duration in milliseconds as a person reads it: `850 ms`, `1.3 s`, `2 min 5 s`.
 *
 * @example
 * duration(1340) // '1.3 s'
 */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

/**
 * A timestamp in local time, to the second: `2026-11-25 14:21:33`.
 *
 * @example
 * localTime('2026-11-25T14:21:33.759Z')
 */
export function localTime(timestamp: string): string {
  const date = new Date(timestamp)
  if (Number.isNaN(date.getTime())) return timestamp
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  )
}
