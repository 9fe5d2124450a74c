import { SessionStatusSchema } from '@agentapi-proxy/shared'
import { defineCommand } from 'citty'
import { listCommand } from '../commands/list.ts'
import { logsCommand } from '../commands/logs.ts'
import { deleteCommand, getCommand } from '../commands/sessions.ts'
import { startCommand } from '../commands/start.ts'
import { watchCommand } from '../commands/watch.ts'
import { repeated } from '../key-values.ts'
import { choiceList, withChoices } from './choices.ts'
import { withExamples } from './examples.ts'
import { connectionOf, count, globalOptions, sessionId } from './global-options.ts'

const STATUSES = SessionStatusSchema.options

/**
 * `agentapi-proxy start`.
 *
 * @example
 * defineCommand({ subCommands: { start } })
 */
export const start = withExamples(
  defineCommand({
    meta: { name: 'start', description: 'Start a session; print its id once it is active' },
    args: {
      ...globalOptions,
      tag: { type: 'string', valueHint: 'KEY=VALUE', description: 'A label (repeatable)' },
      env: { type: 'string', valueHint: 'KEY=VALUE', description: "Agent's env (repeatable)" },
      message: { type: 'string', alias: 'm', description: 'First message, sent once ready' },
      repository: { type: 'string', description: 'owner/repo or git URL to clone first' },
      agent: { type: 'string', description: 'Agent type for agentapi (e.g. claude)' },
      user: { type: 'string', description: 'Owner (another user than you needs admin)' },
      wait: {
        type: 'boolean',
        default: true,
        description: 'Wait for the session to be active',
        negativeDescription: 'Print the id at once, while the session starts',
      },
      timeout: { type: 'string', valueHint: 'SECONDS', description: 'Longest wait (300)' },
    },
    run: ({ args, rawArgs }) =>
      startCommand({
        ...connectionOf(args),
        tags: repeated(rawArgs, 'tag'),
        env: repeated(rawArgs, 'env'),
        message: args.message,
        repository: args.repository,
        agent: args.agent,
        user: args.user,
        wait: args.wait,
        timeout: count(args.timeout, '--timeout'),
      }),
  }),
  [
    "agentapi-proxy start --tag team=infra -m 'Fix the flaky test'",
    'id=$(agentapi-proxy start --repository octo/widgets --agent claude)',
    'agentapi-proxy start --no-wait --json',
  ],
)

/**
 * `agentapi-proxy list` (aliases `search`, `ls`).
 *
 * @example
 * defineCommand({ subCommands: { list } })
 */
export const list = withExamples(
  defineCommand({
    meta: {
      name: 'list',
      alias: ['search', 'ls'],
      description:
        'Find sessions, newest first: those that have not ended, unless --all or --status',
    },
    args: {
      ...globalOptions,
      user: { type: 'string', description: 'Only this user’s sessions' },
      status: withChoices(
        {
          type: 'string',
          valueHint: 'S[,S…]',
          description: `Only sessions in these statuses: ${STATUSES.join(', ')}`,
        },
        STATUSES,
      ),
      all: { type: 'boolean', alias: 'a', description: 'Every status, ended sessions too' },
      tag: {
        type: 'string',
        valueHint: 'KEY=VALUE',
        description: 'Only with this tag (repeatable)',
      },
      limit: { type: 'string', valueHint: 'N', description: 'Sessions per page (server: 50)' },
      cursor: { type: 'string', description: 'Start at this page (from a previous answer)' },
      'all-pages': { type: 'boolean', description: 'Follow the cursors to the last page' },
      wide: { type: 'boolean', alias: 'w', description: 'Full ids and start times' },
      watch: { type: 'boolean', description: 'Keep the list current as sessions change' },
    },
    run: ({ args, rawArgs }) =>
      listCommand({
        ...connectionOf(args),
        user: args.user,
        status: choiceList(args.status, '--status', STATUSES),
        all: args.all,
        tags: repeated(rawArgs, 'tag'),
        limit: count(args.limit, '--limit'),
        cursor: args.cursor,
        allPages: args['all-pages'],
        wide: args.wide,
        watch: args.watch,
      }),
  }),
  [
    'agentapi-proxy list',
    'agentapi-proxy list --status stopped,failed --user alice',
    'agentapi-proxy list --all --all-pages --json',
    'agentapi-proxy list --watch',
  ],
)

/**
 * `agentapi-proxy watch`.
 *
 * @example
 * defineCommand({ subCommands: { watch } })
 */
export const watch = withExamples(
  defineCommand({
    meta: { name: 'watch', description: 'Print each change of a session as it happens' },
    args: { ...globalOptions },
    run: ({ args }) => watchCommand(connectionOf(args)),
  }),
  ['agentapi-proxy watch', 'agentapi-proxy watch --json | jq -c \'select(.type == "status")\''],
)

/**
 * `agentapi-proxy get <id>`.
 *
 * @example
 * defineCommand({ subCommands: { get } })
 */
export const get = withExamples(
  defineCommand({
    meta: { name: 'get', description: 'Show one session (why it failed, when it did)' },
    args: { ...globalOptions, id: sessionId },
    run: ({ args }) => getCommand(args.id, connectionOf(args)),
  }),
  ['agentapi-proxy get 1a2b3c4d', 'agentapi-proxy get 1a2b3c4d --json'],
)

/**
 * `agentapi-proxy logs <id>`.
 *
 * @example
 * defineCommand({ subCommands: { logs } })
 */
export const logs = withExamples(
  defineCommand({
    meta: { name: 'logs', description: "Print the agent process's output" },
    args: {
      ...globalOptions,
      id: sessionId,
      tail: { type: 'string', alias: 'n', valueHint: 'N', description: 'Last N lines (200)' },
      follow: { type: 'boolean', alias: 'f', description: 'Keep printing new lines' },
    },
    run: ({ args }) =>
      logsCommand(args.id, {
        ...connectionOf(args),
        tail: count(args.tail, '--tail'),
        follow: args.follow,
      }),
  }),
  ['agentapi-proxy logs 1a2b3c4d -n 50', 'agentapi-proxy logs 1a2b3c4d -f -n 20'],
)

/**
 * `agentapi-proxy delete <id>`.
 *
 * @example
 * defineCommand({ subCommands: { delete: remove } })
 */
export const remove = withExamples(
  defineCommand({
    meta: { name: 'delete', alias: ['rm', 'stop'], description: 'Stop a session and remove it' },
    args: { ...globalOptions, id: sessionId },
    run: ({ args }) => deleteCommand(args.id, connectionOf(args)),
  }),
  ['agentapi-proxy delete 1a2b3c4d', "agentapi-proxy list --json | jq -r '.sessions[].session_id'"],
)
