import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)

/**
 * What runs in place of the `agentapi` binary an agentapi image would start: the repository's
 * echo agent from source through tsx, the same way the server runs it from the repository
 * (`echoAgentCommand()` in packages/server/src/provisioners/agent-command.ts), so its argv after
 * `agentapi` is passed on unchanged.
 */
export function echoAgentArgv(): string[] {
  const server = dirname(require.resolve('@agentapi-proxy/server/package.json'))
  const tsx = pathToFileURL(require.resolve('tsx')).href
  return [process.execPath, '--import', tsx, join(server, 'src/echo-agent/bin.ts')]
}
