import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CampaignResult, runCampaign } from './campaign.ts'
import { type FuzzServer, startFuzzServer } from './fuzz-server.ts'

// Issue 18: every route of the OpenAPI document (built from the shared route definitions, so a
// new route is fuzzed without editing this file) gets schema-valid and mutated requests from
// fast-check, against a real server process with auth on. The seed is fixed so that CI sends
// the same requests every run (the ids it reuses come from the server, so the paths can differ);
// try others, or replay one `pnpm bench fuzz` printed, with
//   FUZZ_SEED=<seed> pnpm exec vitest run packages/server/test/fuzz/api-fuzz.test.ts
const SEED = Number(process.env.FUZZ_SEED ?? 18)
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000)

let server: FuzzServer
beforeAll(async () => {
  server = await startFuzzServer()
}, 60_000)
afterAll(() => server?.stop(), 60_000)

describe(`schema-driven fuzzing (seed ${SEED})`, () => {
  it(`answers ${REQUESTS} generated requests without a 5xx, a crash or a nameless 4xx`, async () => {
    const crash = server.crashed.then((code) => {
      throw new Error(
        `the server exited with ${code} during the fuzz:\n${server.process.output().slice(-3_000)}`,
      )
    })
    const result: CampaignResult = await Promise.race([
      runCampaign(server, { requests: REQUESTS, seed: SEED }),
      crash,
    ])
    console.log(`fuzz seed ${SEED}: ${summary(result)}`)
    expect(result.requests).toBe(REQUESTS)
    expect(result.failures, `seed ${SEED}`).toEqual([])
    expect(result.serverErrors).toBe(0)
    const health = await fetch(`${server.url}/health`)
    expect(health.status).toBe(200)
  }, 180_000)
})

function summary(result: CampaignResult): string {
  const rate = Math.round(result.requests / result.seconds)
  const expected = `agent 500s passed through ${result.agentErrors}, 503 while starting ${result.notReady}, resent after a reset ${result.retried}`
  return `${result.requests} requests over ${result.operations} operations in ${result.seconds.toFixed(1)} s (${rate}/s), by status ${JSON.stringify(result.byStatus)}; proxy 5xx ${result.serverErrors}; ${expected}`
}
