import { describe, expect, it } from 'vitest'
import { columns, wrap, wrapCommand } from './wrap.ts'

describe('wrap', () => {
  it.each([
    { text: 'a b c', width: 80, lines: ['a b c'] },
    { text: 'one two three', width: 7, lines: ['one two', 'three'] },
    {
      text: 'see http://127.0.0.1:8080/docs now',
      width: 10,
      lines: ['see', 'http://127.0.0.1:8080/docs', 'now'],
    },
    { text: '  spaced   out ', width: 80, lines: ['spaced out'] },
    { text: '', width: 10, lines: [''] },
  ])('wraps $text at $width', ({ text, width, lines }) => {
    expect(wrap(text, width)).toEqual(lines)
  })
})

describe('wrapCommand', () => {
  it.each([
    {
      command: "start -m 'Fix the flaky test' --json",
      width: 12,
      lines: ['start -m', "'Fix the flaky test'", '--json'],
    },
    { command: 'send - "a b" x', width: 80, lines: ['send - "a b" x'] },
    {
      command: "list --json | jq -r '.sessions[].session_id'",
      width: 20,
      lines: ['list --json | jq -r', "'.sessions[].session_id'"],
    },
  ])('keeps quoted words whole in $command at $width', ({ command, width, lines }) => {
    expect(wrapCommand(command, width)).toEqual(lines)
  })
})

describe('columns', () => {
  it('aligns descriptions after the longest term and wraps them under themselves', () => {
    const lines = columns(
      [
        ['--url URL', 'Server URL'],
        ['--json', 'Print JSON (what the server answered) instead of text, always'],
      ],
      50,
    )
    expect(lines).toEqual([
      '  --url URL  Server URL',
      '  --json     Print JSON (what the server answered)',
      '             instead of text, always',
    ])
  })

  it('puts the description of a term wider than the column on the next line', () => {
    const long = `--${'x'.repeat(40)}`
    expect(columns([[long, 'What it is']], 80)).toEqual([
      `  ${long}`,
      `${' '.repeat(32)}What it is`,
    ])
  })

  it('stacks descriptions under their terms on a narrow terminal', () => {
    expect(columns([['--token TOKEN', 'Bearer token: OAuth or GitHub']], 40)).toEqual([
      '  --token TOKEN',
      '          Bearer token: OAuth or GitHub',
    ])
  })
})
