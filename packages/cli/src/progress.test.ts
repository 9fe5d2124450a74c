import { describe, expect, it } from 'vitest'
import { Progress } from './progress.ts'

/** A stream that records what is written, as a terminal (or not). */
function stream(isTTY: boolean) {
  const writes: string[] = []
  const fake = { isTTY, write: (text: string) => writes.push(text) > 0 }
  return { writes, stream: fake as unknown as NodeJS.WriteStream }
}

describe('Progress', () => {
  it('spins on a terminal, redrawing one line, and ends with a mark and a newline', async () => {
    const { writes, stream: tty } = stream(true)
    const progress = new Progress(tty)
    progress.start('Starting session 1a2b3c4d')
    await new Promise((resolve) => setTimeout(resolve, 200))
    progress.succeed('Session 1a2b3c4d is active')
    const frames = writes.filter((w) => w.includes('Starting session'))
    expect(frames.length).toBeGreaterThan(1)
    for (const frame of frames) {
      expect(frame.startsWith('\r\u001b[2K')).toBe(true)
      expect(frame.slice(5)).toMatch(/^\S Starting session 1a2b3c4d \(\d+ ms\)$/)
    }
    expect(writes.at(-1)).toBe('✔ Session 1a2b3c4d is active\n')
  })

  it('prints one plain line per step when stderr is not a terminal', () => {
    const { writes, stream: file } = stream(false)
    const progress = new Progress(file)
    progress.start('Starting session 1a2b3c4d')
    progress.update('Starting session 1a2b3c4d')
    progress.fail('Session 1a2b3c4d failed')
    expect(writes).toEqual(['Starting session 1a2b3c4d…\n', 'Session 1a2b3c4d failed\n'])
  })

  it('with afterMs shows nothing for work that ends sooner, and starts once it takes longer', async () => {
    const quick = stream(false)
    const instant = new Progress(quick.stream)
    instant.start('Waiting for session 1a2b3c4d to be idle', { afterMs: 100 })
    instant.stop()
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(quick.writes).toEqual([])
    const slow = stream(false)
    const waiting = new Progress(slow.stream)
    waiting.start('Waiting for session 1a2b3c4d to be idle', { afterMs: 20 })
    await new Promise((resolve) => setTimeout(resolve, 100))
    waiting.stop()
    expect(slow.writes).toEqual(['Waiting for session 1a2b3c4d to be idle…\n'])
  })
})
