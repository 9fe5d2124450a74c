import { z } from 'zod'

/**
 * A session id: a UUID, so a proxied path can never be mistaken for an API path.
 *
 * @example
 * SessionIdSchema.parse('5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11')
 */
export const SessionIdSchema = z.uuid().meta({
  description: 'Session id (UUID)',
  example: '5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11',
})

/**
 * A user id: GitHub's numeric id for GitHub users, the configured id for API keys.
 *
 * @example
 * UserIdSchema.parse('alice')
 */
export const UserIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@:-]*$/, 'Use letters, digits and . _ @ : -')
  .meta({ description: 'User id', example: 'alice' })

/**
 * The one tag key refused everywhere (`POST /start` tags and `/search?tag.<key>`): assigning it
 * to a plain JavaScript object sets the prototype instead of a property, so it would be
 * dropped without a word by this server and by any client that reads tags into an object.
 *
 * @example
 * RESERVED_TAG_KEY // '__proto__'
 */
export const RESERVED_TAG_KEY = '__proto__'
const RESERVED_TAG_MESSAGE = '__proto__ is reserved and cannot be a tag key'

/**
 * Free-form labels for finding sessions again (`GET /search?tag.team=infra`).
 *
 * @example
 * TagsSchema.parse({ team: 'infra', ticket: 'OPS-12' })
 */
export const TagsSchema = z
  .preprocess(
    (tags, ctx) => {
      // zod drops an own `__proto__` key from records without an issue: look before it does.
      if (typeof tags === 'object' && tags !== null && Object.hasOwn(tags, RESERVED_TAG_KEY)) {
        ctx.addIssue({ code: 'custom', path: [RESERVED_TAG_KEY], message: RESERVED_TAG_MESSAGE })
      }
      return tags
    },
    z.record(
      z
        .string()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9_.-]+$/, 'Tag keys use letters, digits and . _ -'),
      z.string().max(256),
    ),
  )
  .refine((tags) => Object.keys(tags).length <= 32, 'At most 32 tags')
  .meta({ description: 'Labels for search', example: { team: 'infra' } })
export type Tags = z.infer<typeof TagsSchema>

/** Matches a POSIX-portable environment variable name. */
export const ENV_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/

// A NUL cannot be passed to exec (Node's spawn error then quoted the value, a token, in the
// session's error); other control characters than tab, LF and CR only hide text in logs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const ENV_VALUE_PATTERN = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/

/**
 * Extra environment for a session's agent. Names and values are checked here; which names a
 * request may set (an allowlist: model and GitHub tokens, `APP_*`, and what the admin adds) is
 * the server's rule.
 *
 * @example
 * EnvironmentSchema.parse({ GITHUB_TOKEN: 'ghp_…', APP_LOG_LEVEL: 'debug' })
 */
export const EnvironmentSchema = z
  .record(
    z.string().max(128).regex(ENV_KEY_PATTERN, 'Names match ^[A-Za-z_][A-Za-z0-9_]*$'),
    z
      .string()
      .max(32_768)
      .regex(ENV_VALUE_PATTERN, 'Values may not contain NUL or control characters but tab, LF, CR'),
  )
  .refine((env) => Object.keys(env).length <= 128, 'At most 128 variables')
  .meta({ description: 'Environment variables for the agent', example: { APP_LOG_LEVEL: 'debug' } })
export type Environment = z.infer<typeof EnvironmentSchema>

/** An RFC 3339 timestamp in UTC. */
export const TimestampSchema = z.iso.datetime().meta({ example: '2026-11-25T13:37:00.000Z' })
