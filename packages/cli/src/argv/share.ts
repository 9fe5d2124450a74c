import { defineCommand } from 'citty'
import { CliError } from '../cli-error.ts'
import { createShareCommand, listSharesCommand, revokeShareCommand } from '../commands/share.ts'
import { ExitCode } from '../exit-codes.ts'
import { withExamples } from './examples.ts'
import { connectionOf, globalOptions } from './global-options.ts'

// One command with positionals rather than citty subcommands: `share <id>` must create, and
// citty takes a first positional for a subcommand's name. Session ids never read `list`/`revoke`.
const USAGE =
  'agentapi-proxy share <id> [--expires 1h] | share list <id> | share revoke <id> <shareId|all>'

/**
 * `agentapi-proxy share <id> [--expires 1h]`, `share list <id>`, `share revoke <id> <shareId|all>`.
 *
 * @example
 * defineCommand({ subCommands: { share } })
 */
export const share = withExamples(
  defineCommand({
    meta: {
      name: 'share',
      description:
        'Make a read-only link to a session (share <id>), list its links (share list <id>), or revoke one (share revoke <id> <shareId|all>)',
    },
    args: {
      ...globalOptions,
      target: {
        type: 'positional',
        required: true,
        description: 'Session id (or its first characters), or list / revoke',
      },
      id: { type: 'positional', required: false, description: 'With list or revoke: the session' },
      share: {
        type: 'positional',
        required: false,
        description: 'With revoke: the link id, or all',
      },
      expires: {
        type: 'string',
        valueHint: 'DURATION',
        description: 'How long the link works: 30m, 1h, 7d (default 24h, at most 30d)',
      },
    },
    run: ({ args }) => {
      const connection = connectionOf(args)
      const [verb, id, shareId] = [args.target, args.id, args.share]
      if (verb === 'list' && id && !shareId) return listSharesCommand(id, connection)
      if (verb === 'revoke' && id && shareId) return revokeShareCommand(id, shareId, connection)
      if (verb !== 'list' && verb !== 'revoke' && !id) {
        return createShareCommand(verb, { ...connection, expires: args.expires })
      }
      throw new CliError(`share takes: ${USAGE}`, 'see agentapi-proxy share --help', ExitCode.usage)
    },
  }),
  [
    'agentapi-proxy share 0b6c1f2e --expires 1h',
    'agentapi-proxy share list 0b6c1f2e',
    'agentapi-proxy share revoke 0b6c1f2e all',
  ],
)
