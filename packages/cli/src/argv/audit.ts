import { defineCommand } from 'citty'
import { auditCommand } from '../commands/audit.ts'
import { withExamples } from './examples.ts'
import { connectionOf, count, globalOptions } from './global-options.ts'

/**
 * `agentapi-proxy audit`: the audit log, newest first (admins only).
 *
 * @example
 * defineCommand({ subCommands: { audit } })
 */
export const audit = withExamples(
  defineCommand({
    meta: { name: 'audit', description: 'Show the audit log: who did what, when, from where' },
    args: {
      ...globalOptions,
      user: { type: 'string', description: 'Only what this user did' },
      action: {
        type: 'string',
        description: 'Only this action (e.g. session.start, api_key.revoke, auth.sign_in)',
      },
      since: { type: 'string', valueHint: 'DATE', description: 'At or after this time' },
      until: { type: 'string', valueHint: 'DATE', description: 'Before this time' },
      limit: { type: 'string', valueHint: 'N', description: 'How many entries (default 100)' },
    },
    run: ({ args }) =>
      auditCommand({
        ...connectionOf(args),
        user: args.user,
        action: args.action,
        since: args.since,
        until: args.until,
        limit: count(args.limit, '--limit'),
      }),
  }),
  [
    'agentapi-proxy audit --since 2026-12-01',
    'agentapi-proxy audit --user alice --action session.delete --json',
  ],
)
