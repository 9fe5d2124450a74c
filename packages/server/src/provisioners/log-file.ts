import { readFile } from 'node:fs/promises'

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
