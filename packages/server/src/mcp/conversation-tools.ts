import { setTimeout as sleep } from 'node:timers/promises'
import type { GetMessagesOutput, SendMessageOutput } from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'
import { admit } from '../proxy/admission.ts'
import { AgentClient } from '../sessions/agent-client.ts'
import { askAgent } from '../sessions/agent-reply.ts'
import type { ToolContext } from './tools.ts'

// How often send_message looks again while the session starts (the forwarder says 503 then).
const READY_POLL_MS = 200

/**
 * `send_message`: waits for the session to be ready, sends the message and waits for the reply,
 * all within `timeout_seconds`. Allowed exactly when `POST /{id}/message` through the proxy is.
 */
export async function sendMessage(
  context: ToolContext,
  input: { session_id: string; content: string; timeout_seconds: number },
  cancelled: AbortSignal,
): Promise<SendMessageOutput> {
  const { session_id: sessionId, timeout_seconds: seconds } = input
  const timeout = AbortSignal.timeout(seconds * 1000)
  const signal = AbortSignal.any([timeout, cancelled, context.signal])
  try {
    const agent = await readyAgent(context, sessionId, signal)
    return { session_id: sessionId, reply: await askAgent(agent, input.content, signal) }
  } catch (error) {
    if (timeout.aborted) {
      throw new AppError(
        'request_timeout',
        `Session ${sessionId} did not reply within ${seconds} s; get_messages shows the reply once it is there`,
      )
    }
    throw agentFailure(error, sessionId, signal)
  }
}

/** `get_messages`: the conversation, as `GET /{id}/messages` through the proxy returns it. */
export async function getMessages(
  context: ToolContext,
  input: { session_id: string; after_id?: number | undefined; limit: number },
  cancelled: AbortSignal,
): Promise<GetMessagesOutput> {
  const sessionId = input.session_id
  const signal = AbortSignal.any([cancelled, context.signal])
  try {
    const { url, secret } = await admit(context.sessions, context.principal, sessionId)
    context.sessions.touch(sessionId)
    const all = await new AgentClient(url, secret).messages(signal)
    const after = input.after_id ?? -1
    const messages = all.filter((m) => m.id > after).slice(-input.limit)
    return { session_id: sessionId, messages }
  } catch (error) {
    throw agentFailure(error, sessionId, signal)
  }
}

/** The agent's client once the session is ready to talk to; it waits out `starting`. */
async function readyAgent(context: ToolContext, sessionId: string, signal: AbortSignal) {
  for (;;) {
    try {
      const { url, secret } = await admit(context.sessions, context.principal, sessionId)
      // Talking to the agent is activity, as proxied traffic is: it keeps idle culling away.
      context.sessions.touch(sessionId)
      return new AgentClient(url, secret)
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'session_not_ready') throw error
      await sleep(READY_POLL_MS, undefined, { signal })
    }
  }
}

// The admission's own errors stay as they are; what the agent did becomes agent_unavailable.
function agentFailure(error: unknown, sessionId: string, signal: AbortSignal): AppError {
  if (error instanceof AppError) return error
  if (signal.aborted) return new AppError('bad_request', 'The call was cancelled')
  const why = error instanceof Error ? error.message : String(error)
  return new AppError('agent_unavailable', `The agent of session ${sessionId} failed: ${why}`)
}
