import { describe, expect, it } from 'vitest'
import { CliError } from './cli-error.ts'
import { keyValues, repeated } from './key-values.ts'

describe('repeated', () => {
  it('collects every value of an option, in both spellings, up to --', () => {
    const raw = ['--tag', 'a=1', '--json', '--tag=b=2', '--env', 'X=1', '--', '--tag', 'c=3']
    expect(repeated(raw, 'tag')).toEqual(['a=1', 'b=2'])
    expect(repeated(raw, 'env')).toEqual(['X=1'])
    expect(repeated(raw, 'user')).toEqual([])
  })
})

describe('keyValues', () => {
  it('splits on the first =, so values may hold =', () => {
    expect(keyValues(['team=infra', 'url=a=b', 'empty='], '--tag')).toEqual({
      team: 'infra',
      url: 'a=b',
      empty: '',
    })
  })

  it.each(['team', '=x'])('refuses %j as a usage error naming the option', (pair) => {
    expect(() => keyValues([pair], '--env')).toThrow(CliError)
    expect(() => keyValues([pair], '--env')).toThrow(`--env takes KEY=VALUE, not "${pair}"`)
  })
})
