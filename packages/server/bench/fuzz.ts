// `pnpm bench fuzz`: the schema-driven fuzz of the test suite, longer: FUZZ_REQUESTS (100,000 by
// default) generated requests against a real server process with auth on, then the figures:
// requests by status, 5xx, requests/s. FUZZ_SEED replays a run.
import { randomSeed, runCampaign } from '../test/fuzz/campaign.ts'
import { startFuzzServer } from '../test/fuzz/fuzz-server.ts'

const seed = Number(process.env.FUZZ_SEED ?? randomSeed())
const requests = Number(process.env.FUZZ_REQUESTS ?? 100_000)

const server = await startFuzzServer()
let exitCode: number | null | undefined
server.crashed.then((code) => {
  exitCode = code
})
try {
  const result = await runCampaign(server, { requests, seed, keepFailures: 10 })
  const health = await fetch(`${server.url}/health`).then(
    (r) => r.status,
    () => 0,
  )
  console.log(`seed ${seed}: ${result.requests} requests over ${result.operations} operations`)
  console.log(
    `${result.seconds.toFixed(1)} s, ${Math.round(result.requests / result.seconds)} requests/s`,
  )
  console.log('by status:')
  for (const [status, count] of Object.entries(result.byStatus).sort())
    console.log(`  ${status.padEnd(16)} ${count}`)
  console.log(`5xx from the proxy: ${result.serverErrors}`)
  console.log(`503 session_not_ready (a fuzz-started session still starting): ${result.notReady}`)
  console.log(`agentapi's own 500 for an empty message, passed through: ${result.agentErrors}`)
  console.log(`refused before the body was sent (connection closed): ${result.closedEarly}`)
  console.log(`sent again after a reset kept-alive connection: ${result.retried}`)
  console.log(`streams and long polls not waited for: ${result.held}`)
  console.log(`answers that broke a rule: ${result.failures.length}`)
  for (const failure of result.failures) console.log(`  ${failure.verdict}\n    ${failure.request}`)
  console.log(
    `server process: ${exitCode === undefined ? 'alive' : `exited with ${exitCode}`}, /health ${health}`,
  )
} finally {
  await server.stop()
}
