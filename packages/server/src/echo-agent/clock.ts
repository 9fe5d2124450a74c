/**
 * Timestamps as agentapi writes them. agentapi is a Go program: message times are `time.Time`
 * JSON (RFC 3339 with up to nine fractional digits, trailing zeros trimmed, in the server's local
 * zone) and log lines use slog's fixed-millisecond form.
 */

/** Milliseconds since the epoch with sub-millisecond precision, so times look like Go's. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now()
}

/** `2026-04-10T12:34:56.789012345Z`, as Go's `time.Time.MarshalJSON` prints it. */
export function goTimestamp(epochMs: number = preciseNow()): string {
  const seconds = Math.floor(epochMs / 1000)
  const nanos = Math.min(999_999_999, Math.round((epochMs - seconds * 1000) * 1e6))
  const fraction = String(nanos).padStart(9, '0').replace(/0+$/, '')
  return `${localDateTime(seconds * 1000)}${fraction ? `.${fraction}` : ''}${zone(seconds * 1000)}`
}

/** `2026-04-10T12:34:56.789Z`, as Go's slog text handler prints it. */
export function slogTimestamp(epochMs: number = Date.now()): string {
  const millis = String(Math.floor(epochMs) % 1000).padStart(3, '0')
  return `${localDateTime(epochMs)}.${millis}${zone(epochMs)}`
}

function localDateTime(epochMs: number): string {
  const shifted = new Date(epochMs + offsetMinutes(epochMs) * 60_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  const date = `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`
  const time = `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`
  return `${date}T${time}`
}

function zone(epochMs: number): string {
  const offset = offsetMinutes(epochMs)
  if (offset === 0) return 'Z'
  const abs = Math.abs(offset)
  const hours = String(Math.floor(abs / 60)).padStart(2, '0')
  return `${offset < 0 ? '-' : '+'}${hours}:${String(abs % 60).padStart(2, '0')}`
}

function offsetMinutes(epochMs: number): number {
  // getTimezoneOffset is UTC minus local; Go prints local minus UTC. `|| 0` turns -0 into 0.
  return -new Date(epochMs).getTimezoneOffset() || 0
}
