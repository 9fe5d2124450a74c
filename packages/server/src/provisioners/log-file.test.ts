import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tailLog, trimLog } from './log-file.ts'

const logFile = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'aap-log-')), 'agent.log')
  writeFileSync(path, text)
  return path
}

describe('trimLog', () => {
  it('leaves a log under the cap alone', async () => {
    const path = logFile('one\ntwo\n')
    expect(await trimLog(path, 1024)).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n')
  })

  it('keeps the newest half, from a line start, when the log passes the cap', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`)
    const path = logFile(`${lines.join('\n')}\n`)
    expect(await trimLog(path, 4096)).toBe(true)
    expect(statSync(path).size).toBeLessThanOrEqual(4096)
    const kept = readFileSync(path, 'utf8').split('\n')
    expect(kept[0]).toBe('[… older output trimmed …]')
    expect(kept[1]).toMatch(/^line \d+$/)
    expect(kept.at(-2)).toBe('line 999')
  })
})

describe('tailLog', () => {
  it('returns the last lines and whether older ones exist', async () => {
    const path = logFile('a\nb\nc\n')
    expect(await tailLog(path, 2)).toEqual({ lines: ['b', 'c'], truncated: true })
    expect(await tailLog(path, 10)).toEqual({ lines: ['a', 'b', 'c'], truncated: false })
    expect(await tailLog(join(path, 'missing'), 5)).toEqual({ lines: [], truncated: false })
  })
})
