import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TempDirs } from '../testing/temp-dir.ts'
import { tailLog } from './log-file.ts'

const dirs = new TempDirs()
afterEach(() => dirs.removeAll())

const logFile = (text: string) => {
  const path = join(dirs.make('aap-log-'), 'agent.log')
  writeFileSync(path, text)
  return path
}

describe('tailLog', () => {
  it('returns the last lines and whether older ones exist', async () => {
    const path = logFile('a\nb\nc\n')
    expect(await tailLog(path, 2)).toEqual({ lines: ['b', 'c'], truncated: true })
    expect(await tailLog(path, 10)).toEqual({ lines: ['a', 'b', 'c'], truncated: false })
    expect(await tailLog(join(path, 'missing'), 5)).toEqual({ lines: [], truncated: false })
  })
})
