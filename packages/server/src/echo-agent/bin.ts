/**
 * The echo agent as a process, shaped like the agentapi binary so a provisioner can spawn either:
 * `node --import tsx packages/server/src/echo-agent/bin.ts server --port 9001 -- claude`.
 * Exits 0 when stopped by a signal or when the agent exits; 1 on a usage or start-up error.
 */
import { UsageError } from './command-line.ts'
import { runEchoAgent } from './main.ts'

try {
  await runEchoAgent(process.argv.slice(2), process.env, { stdin: process.stdin })
  process.exit(0)
} catch (error) {
  const message = error instanceof Error ? error.message : String(error)
  // cobra's form for a bad command line; agentapi's `%+v` of the error otherwise.
  process.stderr.write(
    error instanceof UsageError
      ? `Error: ${message}\nRun 'agentapi server --help' for usage.\n`
      : `${message}\n`,
  )
  process.exit(1)
}
