import type { AgentEvent } from '@agentapi-proxy/shared'
import { describe, expect, it } from 'vitest'
import { Conversation } from './conversation.ts'

const update = (id: number, message: string, role: 'user' | 'agent' = 'agent'): AgentEvent => ({
  type: 'message_update',
  data: { id, role, message, time: `t${id}` },
})
const status = (value: 'running' | 'stable'): AgentEvent => ({
  type: 'status_change',
  data: { status: value, agent_type: 'claude' },
})

describe('Conversation', () => {
  it('upserts messages by id, so a streamed reply is one message that grows', () => {
    const conversation = new Conversation()
    for (const event of [update(0, 'Hi'), status('stable'), update(1, 'q', 'user')]) {
      conversation.apply(event)
    }
    conversation.apply(update(2, 'Echo: '))
    conversation.apply(update(2, 'Echo: q'))
    expect(conversation.state.messages).toEqual([
      { id: 0, role: 'agent', content: 'Hi', time: 't0' },
      { id: 1, role: 'user', content: 'q', time: 't1' },
      { id: 2, role: 'agent', content: 'Echo: q', time: 't2' },
    ])
    expect(conversation.state).toMatchObject({ status: 'stable', agentType: 'claude' })
  })

  it('shows a replay only once it is complete, and lets it replace the old history', () => {
    const conversation = new Conversation()
    for (const event of [
      update(0, 'Hi'),
      update(1, 'q', 'user'),
      update(2, 'a'),
      status('stable'),
    ]) {
      conversation.apply(event)
    }
    conversation.restart() // the agent restarted behind the stream: its history is shorter now
    expect(conversation.apply(update(0, 'Hello again'))).toBe(false)
    expect(conversation.state.messages).toHaveLength(3)
    expect(conversation.apply(status('stable'))).toBe(true)
    expect(conversation.state.messages).toEqual([
      { id: 0, role: 'agent', content: 'Hello again', time: 't0' },
    ])
  })

  it('keeps each agent error once, though every replay repeats it', () => {
    const conversation = new Conversation()
    const error: AgentEvent = {
      type: 'agent_error',
      data: { message: 'Failed to restore previous session', level: 'warning', time: 't' },
    }
    expect(conversation.apply(error)).toBe(true)
    conversation.restart()
    conversation.apply(status('running'))
    expect(conversation.apply(error)).toBe(false)
    expect(conversation.state.errors).toEqual([error.data])
  })

  it('hands out snapshots that later events do not change', () => {
    const conversation = new Conversation()
    conversation.apply(update(0, 'a'))
    const before = conversation.state
    conversation.apply(update(0, 'b'))
    expect(before.messages[0]?.content).toBe('a')
    expect(before.status).toBeNull()
  })
})
