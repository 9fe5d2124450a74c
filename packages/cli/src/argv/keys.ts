import { defineCommand } from 'citty'
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from '../commands/keys.ts'
import { repeated } from '../key-values.ts'
import { withExamples } from './examples.ts'
import { connectionOf, globalOptions } from './global-options.ts'

const create = withExamples(
  defineCommand({
    meta: { name: 'create', description: 'Create an API key; print its secret once' },
    args: {
      ...globalOptions,
      name: { type: 'string', required: true, description: 'What the key is for (e.g. ci)' },
      user: { type: 'string', description: 'Owner (another user than you needs admin)' },
      role: { type: 'string', description: 'Role (e.g. member, admin)' },
      permission: {
        type: 'string',
        valueHint: 'P',
        description: 'session:create|list|delete|access or * (repeatable, or a,b)',
      },
      'expires-at': { type: 'string', valueHint: 'DATE', description: 'e.g. 2027-01-01T00:00:00Z' },
    },
    run: ({ args, rawArgs }) =>
      createKeyCommand({
        ...connectionOf(args),
        name: args.name,
        user: args.user,
        role: args.role,
        permissions: repeated(rawArgs, 'permission'),
        expiresAt: args['expires-at'],
      }),
  }),
  [
    'agentapi-proxy keys create --name ci --permission session:create,session:list',
    'agentapi-proxy keys create --name bob --user bob --expires-at 2027-01-01T00:00:00Z',
  ],
)

const list = withExamples(
  defineCommand({
    meta: { name: 'list', alias: 'ls', description: 'List API keys (never their secrets)' },
    args: { ...globalOptions },
    run: ({ args }) => listKeysCommand(connectionOf(args)),
  }),
  ['agentapi-proxy keys list', 'agentapi-proxy keys list --json'],
)

const revoke = withExamples(
  defineCommand({
    meta: { name: 'revoke', alias: ['delete', 'rm'], description: 'Revoke an API key at once' },
    args: {
      ...globalOptions,
      id: { type: 'positional', required: true, description: 'Key id or prefix (from keys list)' },
    },
    run: ({ args }) => revokeKeyCommand(args.id, connectionOf(args)),
  }),
  ['agentapi-proxy keys revoke aap_1a2b3c4d'],
)

/**
 * `agentapi-proxy keys create|list|revoke`.
 *
 * @example
 * defineCommand({ subCommands: { keys } })
 */
export const keys = withExamples(
  defineCommand({
    meta: { name: 'keys', description: 'Manage API keys: create, list, revoke' },
    subCommands: { create, list, revoke },
  }),
  [
    'agentapi-proxy keys create --name ci --permission session:create',
    'agentapi-proxy keys list',
    'agentapi-proxy keys revoke aap_1a2b3c4d',
  ],
)
