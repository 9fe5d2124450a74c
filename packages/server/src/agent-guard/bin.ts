/**
 * The agent guard as a process: `agent-guard --port <port> -- <agent argv with {inner_port}>`.
 * It listens on `AGENTAPI_PROXY_AGENT_HOST:<port>` demanding `AGENTAPI_PROXY_AGENT_SECRET`,
 * starts the agent (a real agentapi) on a free port in place of `{inner_port}`, in its own
 * process group, without those two variables, and exits as the agent exits (same code, or
 * the same signal), so the proxy sees the agent's own ending.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { AGENT_HOST_ENV, AGENT_SECRET_ENV } from './contract.ts'
import { startAgentGuard } from './guard.ts'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

async function main(argv: readonly string[]): Promise<void> {
  const split = argv.indexOf('--')
  const port = Number(argv[argv.indexOf('--port') + 1])
  const command = split === -1 ? [] : argv.slice(split + 1)
  const secret = process.env[AGENT_SECRET_ENV]
  if (!Number.isInteger(port) || command.length === 0 || !secret) {
    throw new Error(`usage: agent-guard --port <port> -- <agent command>, with ${AGENT_SECRET_ENV}`)
  }
  const host = process.env[AGENT_HOST_ENV] || '127.0.0.1'
  const agentPort = await freePort()
  const guard = await startAgentGuard({ host, port, secret, agentPort })
  process.stdout.write(`agentapi-proxy agent guard: ${host}:${port} -> agent on ${agentPort}\n`)
  const env = { ...process.env }
  delete env[AGENT_SECRET_ENV]
  delete env[AGENT_HOST_ENV]
  const [file, ...args] = command.map((arg) => arg.replaceAll('{inner_port}', String(agentPort)))
  const child = spawn(file as string, args, { env, stdio: ['ignore', 'inherit', 'inherit'] })
  // A stop signals the whole group, the agent included: wait for it to end in its own time.
  for (const signal of SIGNALS) process.on(signal, () => undefined)
  const [code, signal] = await exitOf(child)
  guard.close()
  guard.closeAllConnections()
  if (signal) {
    for (const name of SIGNALS) process.removeAllListeners(name)
    process.kill(process.pid, signal)
  }
  process.exit(code ?? 1)
}

function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`agent-guard: cannot start ${child.spawnfile}: ${error.message}\n`)
      resolve([127, null])
    })
    child.once('exit', (code, signal) => resolve([code, signal]))
  })
}

// agentapi binds every interface and reports no port for --port 0, so the guard picks one.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen({ port: 0, exclusive: true }, () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`agent-guard: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
