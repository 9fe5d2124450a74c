import { defineCommand } from 'citty'
import { loginCommand } from '../commands/login.ts'
import { logoutCommand } from '../commands/logout.ts'
import {
  listProfilesCommand,
  removeProfileCommand,
  useProfileCommand,
  whoamiCommand,
} from '../commands/profiles.ts'
import { connectionOf, globalOptions } from './global-options.ts'

/**
 * `agentapi-proxy login`: sign in through the server's GitHub OAuth (or keep a key) in a profile.
 *
 * @example
 * defineCommand({ subCommands: { login } })
 */
export const login = defineCommand({
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
})

/**
 * `agentapi-proxy logout`: revoke the profile's token on the server and forget it.
 *
 * @example
 * defineCommand({ subCommands: { logout } })
 */
export const logout = defineCommand({
  meta: { name: 'logout', description: "Sign out: revoke the profile's token and forget it" },
  args: { profile: globalOptions.profile },
  run: ({ args }) => logoutCommand({ profile: args.profile }),
})

/**
 * `agentapi-proxy whoami`: who the server takes the caller for.
 *
 * @example
 * defineCommand({ subCommands: { whoami } })
 */
export const whoami = defineCommand({
  meta: {
    name: 'whoami',
    description: 'Show who the server takes you for, and through which profile',
  },
  args: { ...globalOptions },
  run: ({ args }) => whoamiCommand(connectionOf(args)),
})

const list = defineCommand({
  meta: { name: 'list', alias: 'ls', description: 'List profiles (secrets masked); * is in use' },
  args: { profile: globalOptions.profile, json: globalOptions.json },
  run: ({ args }) => listProfilesCommand({ profile: args.profile, json: args.json }),
})

const use = defineCommand({
  meta: { name: 'use', description: 'Use this profile when none is named' },
  args: { name: { type: 'positional', required: true, description: 'Profile name' } },
  run: ({ args }) => useProfileCommand(args.name),
})

const remove = defineCommand({
  meta: { name: 'remove', alias: 'rm', description: 'Delete a profile (logout first to revoke)' },
  args: { name: { type: 'positional', required: true, description: 'Profile name' } },
  run: ({ args }) => removeProfileCommand(args.name),
})

/**
 * `agentapi-proxy profiles list|use|remove`.
 *
 * @example
 * defineCommand({ subCommands: { profiles } })
 */
export const profiles = defineCommand({
  meta: {
    name: 'profiles',
    description: 'Manage the profiles of the config file: list, use, remove',
  },
  subCommands: { list, use, remove },
})
