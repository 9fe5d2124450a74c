import { defineCommand } from 'citty'
import { VERSION } from '../version.ts'
import { attach, messages, send, status } from './agent.ts'
import { withExamples } from './examples.ts'
import { keys } from './keys.ts'
import { echoAgent, openapi, server } from './server.ts'
import { get, list, logs, remove, start } from './sessions.ts'

/**
 * Every command of `agentapi-proxy`: what argv is parsed against and help is rendered
 * from.
 *
 * @example
 * await runCommand(root, { rawArgs: ['list', '--json'] })
 */
export const root = withExamples(
  defineCommand({
    meta: {
      name: 'agentapi-proxy',
      version: VERSION,
      description: 'Run many coder/agentapi sessions behind one authenticated front door',
    },
    subCommands: {
      server,
      start,
      list,
      get,
      logs,
      delete: remove,
      send,
      messages,
      status,
      attach,
      keys,
      openapi,
      'echo-agent': echoAgent,
    },
  }),
  [
    'agentapi-proxy server',
    "agentapi-proxy start -m 'Fix the flaky test'",
    'agentapi-proxy help start',
  ],
)
