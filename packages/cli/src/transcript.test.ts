import type { AgentMessage, ConversationState } from '@agentapi-proxy/client'
import { describe, expect, it } from 'vitest'
import { formatMessage, Transcript } from './transcript.ts'

const time = '2026-11-25T14:21:34Z'
const message = (id: number, role: 'user' | 'agent', content: string): AgentMessage => ({
  id,
  role,
  content,
  time,
})
const state = (
  status: ConversationState['status'],
  ...messages: AgentMessage[]
): ConversationState => ({ status, messages, agentType: 'claude', errors: [] })

describe('formatMessage', () => {
  it('puts who and when on a line and indents the content, without trailing blank lines', () => {
    expect(formatMessage(message(1, 'agent', 'line one\n\nline two\n\n'))).toMatch(
      /^agent · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n {2}line one\n\n {2}line two$/,
    )
  })
})

describe('Transcript', () => {
  it('prints a message once it is complete: when a later one exists, or the agent turned stable', () => {
    const transcript = new Transcript()
    const hello = message(0, 'agent', 'Hello')
    expect(transcript.complete(state('stable', hello))).toEqual([hello])
    transcript.sent('hi')
    const hi = message(1, 'user', 'hi')
    // Still stable from before: the user message typed here is complete, but not printed again.
    expect(transcript.complete(state('stable', hello, hi))).toEqual([])
    const growing = message(2, 'agent', 'Echo: ')
    // An update that arrives before the status says running must not print a half reply.
    expect(transcript.complete(state('stable', hello, hi, growing))).toEqual([])
    expect(transcript.complete(state('running', hello, hi, growing))).toEqual([])
    const done = message(2, 'agent', 'Echo: hi')
    expect(transcript.complete(state('running', hello, hi, done))).toEqual([])
    expect(transcript.complete(state('stable', hello, hi, done))).toEqual([done])
    expect(transcript.complete(state('stable', hello, hi, done))).toEqual([])
  })

  it('prints user messages typed elsewhere, and everything left once the caller knows it is idle', () => {
    const transcript = new Transcript()
    const other = message(0, 'user', 'from a browser')
    const reply = message(1, 'agent', 'Echo: from a browser')
    expect(transcript.complete(state('running', other, reply))).toEqual([other])
    expect(transcript.settled([other, reply])).toEqual([reply])
  })
})
