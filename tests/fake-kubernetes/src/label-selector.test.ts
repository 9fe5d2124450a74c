import { describe, expect, it } from 'vitest'
import { parseLabelSelector } from './label-selector.ts'

describe('parseLabelSelector', () => {
  it('requires every comma-joined requirement, commas inside a set included', () => {
    const matches = parseLabelSelector('app=agent, tier in (a, b),!legacy')
    expect(matches({ app: 'agent', tier: 'b' })).toBe(true)
    expect(matches({ app: 'agent', tier: 'c' })).toBe(false)
    expect(matches({ app: 'agent', tier: 'a', legacy: '' })).toBe(false)
    expect(matches(undefined)).toBe(false)
  })

  it('matches everything when empty, and refuses what it cannot read', () => {
    expect(parseLabelSelector('')(undefined)).toBe(true)
    expect(parseLabelSelector(null)({ a: 'b' })).toBe(true)
    expect(() => parseLabelSelector('a in b')).toThrow(/unable to parse/)
    expect(() => parseLabelSelector('=x')).toThrow(/unable to parse/)
  })
})
