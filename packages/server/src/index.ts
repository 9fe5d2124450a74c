export type { App, AppDeps } from './app.ts'
export { createApp } from './app.ts'
export type { BannerFacts } from './banner.ts'
export { formatBanner } from './banner.ts'
export type {
  Config,
  ConfigFlags,
  ConfigInput,
  LoadConfigOptions,
  LoadedConfig,
} from './config/index.ts'
export { ConfigError, ConfigSchema, loadConfig } from './config/index.ts'
export type { EchoAgent, EchoAgentOptions } from './echo-agent/index.ts'
export {
  runEchoAgent,
  startEchoAgent,
  UsageError as EchoAgentUsageError,
} from './echo-agent/index.ts'
export { AppError } from './errors.ts'
export type { Logger, LoggerOptions } from './logger.ts'
export { createLogger } from './logger.ts'
export type { AgentChoice } from './provisioners/agent-command.ts'
export { resolveAgent } from './provisioners/agent-command.ts'
export type { RunningServer, StartServerOptions } from './server.ts'
export { startServer } from './server.ts'
export { StartupError } from './startup/startup-error.ts'
