import { describe, expect, it } from 'vitest'
import { age, duration } from './timestamps.ts'

describe('age', () => {
  const now = Date.parse('2026-11-25T12:00:00Z')
  it.each([
    ['2026-11-25T11:59:58Z', '2s'],
    ['2026-11-25T11:57:00Z', '3m'],
    ['2026-11-25T07:00:00Z', '5h'],
    ['2026-11-20T12:00:00Z', '5d'],
    ['2026-11-25T12:00:05Z', '0s'],
    ['not a date', '-'],
  ])('says %s was %s ago', (timestamp, expected) => {
    expect(age(timestamp, now)).toBe(expected)
  })
})

describe('duration', () => {
  it.each([
    [850, '850 ms'],
    [1340, '1.3 s'],
    [125_000, '2 min 5 s'],
  ])('says %d ms as %s', (ms, expected) => {
    expect(duration(ms)).toBe(expected)
  })
})
