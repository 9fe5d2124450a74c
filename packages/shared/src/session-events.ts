import { z } from 'zod'
import { TimestampSchema } from './common.ts'
import { SessionSummarySchema } from './sessions.ts'

/**
 * What happened to a session: `created` (it was started), `status` (its status changed),
 * `agent_status` (its agent went `running` or `stable`), `deleted` (its row was removed by
 * retention; it no longer appears in `/search`).
 *
 * @example
 * SessionChangeTypeSchema.parse('status')
 */
export const SessionChangeTypeSchema = z
  .enum(['created', 'status', 'agent_status', 'deleted'])
  .meta({ id: 'SessionChangeType' })
export type SessionChangeType = z.infer<typeof SessionChangeTypeSchema>

const EventIdSchema = z
  .number()
  .int()
  .min(0)
  .meta({
    description:
      'Position in the event log, the same on every replica; increasing. Send it back as ' +
      '`Last-Event-ID` (or `after`) to resume',
    example: 42,
  })

/**
 * One change of a session, with the session as it was right after it.
 *
 * @example
 * const e: SessionChangeEvent = { id: 7, type: 'status', at: '2026-11-25T13:37:00.000Z', session }
 */
export const SessionChangeEventSchema = z
  .object({
    id: EventIdSchema,
    type: SessionChangeTypeSchema,
    at: TimestampSchema,
    session: SessionSummarySchema,
  })
  .meta({ id: 'SessionChangeEvent' })
export type SessionChangeEvent = z.infer<typeof SessionChangeEventSchema>

/**
 * Sent first when the position asked to resume from is older than the replay window (or
 * unknown): changes were missed, so reload the list (`GET /search`) and carry on from `id`.
 *
 * @example
 * if (event.type === 'reset') sessions = (await client.search()).sessions
 */
export const SessionResetEventSchema = z
  .object({
    id: EventIdSchema,
    type: z.literal('reset'),
    at: TimestampSchema,
    reason: z.string().meta({ example: 'Event 12 is older than the replay window' }),
  })
  .meta({ id: 'SessionResetEvent' })
export type SessionResetEvent = z.infer<typeof SessionResetEventSchema>

/**
 * What `GET /sessions/events` streams (the SSE `event` is the `type`, `id` the `id`, `data`
 * this object as JSON) and `GET /sessions/events/wait` lists.
 *
 * @example
 * for await (const event of client.sessionEvents()) console.log(event.type, event.id)
 */
export const SessionEventSchema = z
  .discriminatedUnion('type', [SessionChangeEventSchema, SessionResetEventSchema])
  .meta({ id: 'SessionEvent' })
export type SessionEvent = z.infer<typeof SessionEventSchema>

/** The longest `GET /sessions/events/wait` waits, in seconds. */
export const MAX_EVENT_WAIT_SECONDS = 60

/**
 * `GET /sessions/events/wait?after=&timeout=`.
 *
 * @example
 * const q: WaitEventsQuery = { after: 41, timeout: 30 }
 */
export const WaitEventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional().meta({
    description: 'The last event id you have (`latest_id` of the previous answer); unset: now',
  }),
  timeout: z.coerce
    .number()
    .min(0)
    .max(MAX_EVENT_WAIT_SECONDS)
    .default(30)
    .meta({ description: 'Seconds to wait for an event when there is none yet' }),
})
export type WaitEventsQuery = { after?: number; timeout?: number }

/**
 * `GET /sessions/events/wait` → the events after `after` you may see (oldest first, at most a
 * page), or none when the wait ran out.
 *
 * @example
 * let { latest_id } = await client.waitForSessionEvents()
 * ;({ latest_id } = await client.waitForSessionEvents({ after: latest_id }))
 */
export const WaitEventsResponseSchema = z
  .object({
    events: z.array(SessionEventSchema),
    latest_id: EventIdSchema.meta({
      description: 'Pass as `after` next time: the newest event this answer covers',
    }),
  })
  .meta({ id: 'WaitEventsResponse' })
export type WaitEventsResponse = z.infer<typeof WaitEventsResponseSchema>
