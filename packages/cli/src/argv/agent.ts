import { defineCommand } from 'citty'
import { attachCommand } from '../commands/attach.ts'
import { messagesCommand, sendCommand, statusCommand } from '../commands/messages.ts'
import { withExamples } from './examples.ts'
import { connectionOf, count, globalOptions, sessionId } from './global-options.ts'

/**
 * `agentapi-proxy send <id> <message...>`.
 *
 * @example
 * defineCommand({ subCommands: { send } })
 */
export const send = withExamples(
  defineCommand({
    meta: {
      name: 'send',
      description: 'Send a message (the words after the id, or stdin for -) once the agent is idle',
    },
    args: {
      ...globalOptions,
      id: sessionId,
      message: {
        type: 'positional',
        required: true,
        description: 'Words, or - for stdin',
      },
      wait: { type: 'boolean', alias: 'w', description: 'Wait for the reply and print it' },
      raw: { type: 'boolean', description: 'Type it into the terminal as keys, not as a message' },
      timeout: { type: 'string', valueHint: 'SECONDS', description: 'Longest wait (120)' },
    },
    run: ({ args }) =>
      sendCommand(args.id, args._.slice(1), {
        ...connectionOf(args),
        wait: args.wait,
        raw: args.raw,
        timeout: count(args.timeout, '--timeout'),
      }),
  }),
  [
    "agentapi-proxy send 1a2b3c4d 'Summarise the README' --wait",
    'git diff | agentapi-proxy send 1a2b3c4d - --wait --timeout 600',
  ],
)

/**
 * `agentapi-proxy messages <id>`.
 *
 * @example
 * defineCommand({ subCommands: { messages } })
 */
export const messages = withExamples(
  defineCommand({
    meta: { name: 'messages', description: 'Print the conversation of a session' },
    args: { ...globalOptions, id: sessionId },
    run: ({ args }) => messagesCommand(args.id, connectionOf(args)),
  }),
  [
    'agentapi-proxy messages 1a2b3c4d',
    "agentapi-proxy messages 1a2b3c4d --json | jq -r '.messages[-1].content'",
  ],
)

/**
 * `agentapi-proxy status <id>`.
 *
 * @example
 * defineCommand({ subCommands: { status } })
 */
export const status = withExamples(
  defineCommand({
    meta: { name: 'status', description: 'Print whether the agent is running or stable (idle)' },
    args: { ...globalOptions, id: sessionId },
    run: ({ args }) => statusCommand(args.id, connectionOf(args)),
  }),
  ['agentapi-proxy status 1a2b3c4d'],
)

/**
 * `agentapi-proxy attach <id>`.
 *
 * @example
 * defineCommand({ subCommands: { attach } })
 */
export const attach = withExamples(
  defineCommand({
    meta: {
      name: 'attach',
      description:
        'Chat with a session: print its replies, send what you type; Ctrl-C/Ctrl-D leave it running',
    },
    args: { ...globalOptions, id: sessionId },
    run: ({ args }) => attachCommand(args.id, connectionOf(args)),
  }),
  ['agentapi-proxy attach 1a2b3c4d', 'agentapi-proxy attach 1a2b3c4d --json > conversation.jsonl'],
)
