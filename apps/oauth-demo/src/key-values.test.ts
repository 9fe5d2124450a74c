import { describe, expect, it } from 'vitest'
import { parseKeyValues } from './key-values.ts'

describe('parseKeyValues', () => {
  it.each([
    ['', false, {}],
    ['LOG_LEVEL=debug\nGREETING=hi, there', false, { LOG_LEVEL: 'debug', GREETING: 'hi, there' }],
    ['team=infra, purpose=demo', true, { team: 'infra', purpose: 'demo' }],
    [' team = infra \n\n owner=ada ,', true, { team: 'infra', owner: 'ada' }],
    ['URL=https://x.test/?a=b', false, { URL: 'https://x.test/?a=b' }],
    ['EMPTY=', false, { EMPTY: '' }],
  ])('reads %j (commas: %s) as %j', (text, commas, expected) => {
    expect(parseKeyValues(text, { label: 'Tags', commas })).toEqual(expected)
  })

  it.each([
    ['team', 'Tags: "team" is not key=value'],
    ['=infra', 'Tags: "=infra" is not key=value'],
    ['team=a, team=b', 'Tags: team is given twice'],
  ])('refuses %j, saying why', (text, message) => {
    expect(() => parseKeyValues(text, { label: 'Tags', commas: true })).toThrow(message)
  })
})
