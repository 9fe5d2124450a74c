import { defineCommand } from 'citty'
import { loginCommand } from '../commands/login.ts'
import { logoutCommand } from '../commands/logout.ts'
import {
  listProfilesCommand,
  removeProfileCommand,
  useProfileCommand,
  whoamiCommand,
} from '../commands/profiles.ts'
import { withExamples } from './examples.ts'
import { connectionOf, globalOptions } from './global-options.ts'

/**
 * `agentapi-proxy login`: sign in through the server's GitHub OAuth (or keep a key) in a profile.
 *
 * @example
 * defineCommand({ subCommands: { login } })
 */
export const login = withExamples(
  defineCommand({
    meta: {
      name: 'login',
      description:
        "Sign in with GitHub through the server's OAuth and keep the token in a profile (or keep --api-key/--token there)",
    },
    args: {
      ...globalOptions,
      'no-browser': {
        type: 'boolean',
        description: 'Only print the sign-in URL (then paste the URL GitHub sent you to)',
      },
    },
    run: ({ args }) =>
      loginCommand({
        ...connectionOf(args),
        noBrowser: args['no-browser'] === true || args.browser === false,
      }),
  }),
  [
    'agentapi-proxy login --url https://agents.example.com',
    'agentapi-proxy login --profile lab --url http://127.0.0.1:8080 --api-key "$LAB_KEY"',
    'agentapi-proxy login --no-browser   # over ssh: paste the URL GitHub sends you to',
  ],
)

/**
 * `agentapi-proxy logout`: revoke the profile's token on the server and forget it.
 *
 * @example
 * defineCommand({ subCommands: { logout } })
 */
export const logout = withExamples(
  defineCommand({
    meta: { name: 'logout', description: "Sign out: revoke the profile's token and forget it" },
    args: { profile: globalOptions.profile },
    run: ({ args }) => logoutCommand({ profile: args.profile }),
  }),
  ['agentapi-proxy logout', 'agentapi-proxy logout --profile lab'],
)

/**
 * `agentapi-proxy whoami`: who the server takes the caller for.
 *
 * @example
 * defineCommand({ subCommands: { whoami } })
 */
export const whoami = withExamples(
  defineCommand({
    meta: {
      name: 'whoami',
      description: 'Show who the server takes you for, and through which profile',
    },
    args: { ...globalOptions },
    run: ({ args }) => whoamiCommand(connectionOf(args)),
  }),
  ['agentapi-proxy whoami', 'agentapi-proxy whoami --profile lab --json'],
)

const list = withExamples(
  defineCommand({
    meta: { name: 'list', alias: 'ls', description: 'List profiles (secrets masked); * is in use' },
    args: { profile: globalOptions.profile, json: globalOptions.json },
    run: ({ args }) => listProfilesCommand({ profile: args.profile, json: args.json }),
  }),
  ['agentapi-proxy profiles list', 'agentapi-proxy profiles list --json'],
)

const use = withExamples(
  defineCommand({
    meta: { name: 'use', description: 'Use this profile when none is named' },
    args: { name: { type: 'positional', required: true, description: 'Profile name' } },
    run: ({ args }) => useProfileCommand(args.name),
  }),
  ['agentapi-proxy profiles use lab'],
)

const remove = withExamples(
  defineCommand({
    meta: { name: 'remove', alias: 'rm', description: 'Delete a profile (logout first to revoke)' },
    args: { name: { type: 'positional', required: true, description: 'Profile name' } },
    run: ({ args }) => removeProfileCommand(args.name),
  }),
  ['agentapi-proxy logout --profile lab && agentapi-proxy profiles remove lab'],
)

/**
 * `agentapi-proxy profiles list|use|remove`.
 *
 * @example
 * defineCommand({ subCommands: { profiles } })
 */
export const profiles = withExamples(
  defineCommand({
    meta: {
      name: 'profiles',
      description: 'Manage the profiles of the config file: list, use, remove',
    },
    subCommands: { list, use, remove },
  }),
  ['agentapi-proxy profiles list', 'agentapi-proxy profiles use lab'],
)
