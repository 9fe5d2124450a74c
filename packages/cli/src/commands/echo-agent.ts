import { EchoAgentUsageError, runEchoAgent } from '@agentapi-proxy/server'
import { CliError } from '../cli-error.ts'

/**
 * Runs the echo agent in the foreground with agentapi's command line, until SIGINT/SIGTERM.
 * stdin is not read: agentapi would wait for its end before listening.
 *
 * @example
 * await echoAgentCommand(['--port', '3284', '--type', 'claude'])
 */
export async function echoAgentCommand(argv: readonly string[]): Promise<void> {
  try {
    await runEchoAgent(argv, process.env)
  } catch (error) {
    if (error instanceof EchoAgentUsageError) {
      throw new CliError(error.message, 'See agentapi-proxy echo-agent --help.', 2)
    }
    throw error
  }
}
