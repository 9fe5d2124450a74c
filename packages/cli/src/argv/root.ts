import { defineCommand } from 'citty'
import { completionCommand, SHELLS } from '../commands/completion.ts'
import { commandTree } from '../completion/command-tree.ts'
import { VERSION } from '../version.ts'
import { attach, messages, send, status } from './agent.ts'
import { audit } from './audit.ts'
import { withChoices } from './choices.ts'
import { withExamples } from './examples.ts'
import { keys } from './keys.ts'
import { mcp } from './mcp.ts'
import { login, logout, profiles, whoami } from './profiles.ts'
import { echoAgent, openapi, server } from './server.ts'
import { get, list, logs, remove, start, watch } from './sessions.ts'
import { share } from './share.ts'

const completion = withExamples(
  defineCommand({
    meta: {
      name: 'completion',
      description: 'Print the shell completion script for bash, zsh or fish',
    },
    args: {
      shell: withChoices(
        { type: 'positional', required: true, description: 'bash, zsh or fish' },
        SHELLS,
      ),
    },
    // The tree of the commands the parser runs: completion cannot offer a flag that is refused.
    run: ({ args }) => completionCommand(args.shell, commandTree(root)),
  }),
  [
    'agentapi-proxy completion bash > ~/.local/share/bash-completion/completions/agentapi-proxy',
    'agentapi-proxy completion zsh > ~/.zfunc/_agentapi_proxy',
    'agentapi-proxy completion fish > ~/.config/fish/completions/agentapi-proxy.fish',
  ],
)

/**
 * Every command of `agentapi-proxy`: what argv is parsed against, help is rendered from and
 * completion scripts are generated from.
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
      watch,
      get,
      logs,
      delete: remove,
      send,
      messages,
      status,
      attach,
      keys,
      login,
      logout,
      whoami,
      profiles,
      share,
      audit,
      openapi,
      completion,
      'echo-agent': echoAgent,
      mcp,
    },
  }),
  [
    'agentapi-proxy server',
    "agentapi-proxy start -m 'Fix the flaky test'",
    'agentapi-proxy help start',
  ],
)
