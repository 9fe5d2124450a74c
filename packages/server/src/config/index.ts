export type { ConfigFlags, LoadConfigOptions, LoadedConfig } from './load.ts'
export { ConfigError, loadConfig } from './load.ts'
export type { Config, ConfigInput } from './schema.ts'
export { ConfigSchema } from './schema.ts'
