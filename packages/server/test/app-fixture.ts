import { type AppDeps, createApp } from '../src/app.ts'
import { authFromConfig } from '../src/auth/from-config.ts'
import { type Config, type ConfigInput, ConfigSchema } from '../src/config/index.ts'
import { SessionEventHub } from '../src/sessions/event-hub.ts'
import { MemorySessionStore } from '../src/store/memory.ts'
import { captureLogs } from './log-capture.ts'

/** A validated config from a partial one, as `loadConfig` would build it. */
export function testConfig(input: ConfigInput = {}): Readonly<Config> {
  return ConfigSchema.parse(input)
}

/** The auth services of a config (auth disabled by default: everyone is the anonymous admin). */
export function testAuth(config: Readonly<Config> = testConfig()) {
  return authFromConfig(config, { logger: captureLogs().logger })
}

/** What {@link buildTestApp} takes besides the sessions service. */
export interface TestAppOptions extends Omit<AppDeps, 'auth' | 'config' | 'logger' | 'events'> {
  config?: ConfigInput
  logger?: AppDeps['logger']
  /** An event log of its own (an empty memory store's) when unset. */
  events?: AppDeps['events']
}

/** The real Hono app with the given session service, a config and its auth services. */
export async function buildTestApp(options: TestAppOptions) {
  const { config: input, logger, ...deps } = options
  const config = testConfig(input)
  const logs = captureLogs()
  const events = options.events ?? {
    hub: await SessionEventHub.open({
      store: new MemorySessionStore(),
      logger: logs.logger,
      maxAgeMs: config.events.replay_age,
    }),
    heartbeatMs: config.events.heartbeat,
  }
  const app = createApp({
    ...deps,
    events,
    config,
    auth: await testAuth(config),
    logger: logger ?? logs.logger,
  })
  return { app, logs, config }
}
