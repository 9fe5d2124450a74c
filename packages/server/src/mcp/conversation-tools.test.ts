import { describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/log-capture.ts'
import { ECHO_AGENT, eventually, user, useSessionServices } from '../../test/sessions-fixture.ts'
import { AppError } from '../errors.ts'
import { getMessages, sendMessage } from './conversation-tools.ts'

// send_message's wait: it ends at its timeout with a tool error that says what to do, and the
// reply still arrives for get_messages afterwards.

describe('send_message', () => {
  const newService = useSessionServices()

  it('gives up at its timeout, saying where the reply will be', async () => {
    // The echo agent takes 3 s after its reply before it is stable again.
    const slow = {
      ...ECHO_AGENT,
      command: [...ECHO_AGENT.command.slice(0, -2), '--echo-settle-ms', '3000', '--', '{type}'],
    }
    const { service } = newService({ agent: slow })
    const alice = user('alice')
    const { session_id } = await service.start(alice, {})
    const context = {
      principal: alice,
      sessions: service,
      logger: captureLogs().logger,
      signal: new AbortController().signal,
    }
    await eventually(async () =>
      (await service.get(alice, session_id)).agent_status === 'stable' ? true : undefined,
    )
    const started = Date.now()
    const input = { session_id, content: 'take your time', timeout_seconds: 1 }
    const error = await sendMessage(context, input, new AbortController().signal).catch((e) => e)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({
      code: 'request_timeout',
      detail: `Session ${session_id} did not reply within 1 s; get_messages shows the reply once it is there`,
    })
    expect(Date.now() - started).toBeLessThan(3000)
    await eventually(async () => {
      const read = await getMessages(
        context,
        { session_id, limit: 10 },
        new AbortController().signal,
      )
      return read.messages.some((m) => m.content === 'Echo: take your time') ? true : undefined
    })
    await service.delete(alice, session_id)
  })
})
