import { describe, expect, it } from 'vitest'
import { renderTable } from './table.ts'

describe('renderTable', () => {
  it('aligns every column on its widest cell, without trailing blanks', () => {
    const table = renderTable(
      ['ID', 'USER', 'TAGS'],
      [
        ['1a2b3c4d', 'alice', 'team=infra'],
        ['9f', 'bartholomew', '-'],
      ],
    )
    expect(table).toBe(
      [
        'ID        USER         TAGS',
        '1a2b3c4d  alice        team=infra',
        '9f        bartholomew  -',
      ].join('\n'),
    )
  })
})
