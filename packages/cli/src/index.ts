export { CliError } from './cli-error.ts'
export type { ServerCommandOptions } from './commands/server.ts'
export { serverCommand } from './commands/server.ts'
