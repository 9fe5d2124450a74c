import { open, readFile, stat, truncate, writeFile } from 'node:fs/promises'

/**
 * Keeps an agent's log file under `maxBytes`. The agent writes to the file directly (an
 * O_APPEND fd, so it keeps running if the proxy dies); from time to time the proxy keeps the
 * newest half and drops the rest. A few lines written during a trim may be lost: acceptable
 * for a diagnostic tail, and the price of not piping every byte through the proxy.
 */
export async function trimLog(path: string, maxBytes: number): Promise<boolean> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  )
  if (size <= maxBytes) return false
  const keep = Math.floor(maxBytes / 2)
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(keep)
    await handle.read(buffer, 0, keep, size - keep)
    const firstLine = buffer.indexOf(10) + 1
    await truncate(path, 0)
    await writeFile(
      path,
      Buffer.concat([Buffer.from('[… older output trimmed …]\n'), buffer.subarray(firstLine)]),
      {
        flag: 'a',
      },
    )
  } finally {
    await handle.close()
  }
  return true
}

/** The last `tail` lines of a log file, and whether older ones exist. */
export async function tailLog(
  path: string,
  tail: number,
): Promise<{ lines: string[]; truncated: boolean }> {
  const text = await readFile(path, 'utf8').catch(() => '')
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return { lines: lines.slice(-tail), truncated: lines.length > tail }
}
