#!/usr/bin/env node
// `pnpm test`: lint, typecheck, build and every vitest project, then one plain summary line
// computed from vitest's JSON report, so a run that executed nothing cannot pass unnoticed.
// vitest gets a temp dir and a marker of its own, so that afterwards any process the tests left
// alive, and any file they left in the temp dir, can be found: either fails the run.
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { entriesLeftIn, findLeftovers, killLeftovers } from './leftovers.mjs'

const REPORT = '.test-results/vitest.json'
const passthrough = process.argv.slice(2)

const steps = [
  ['lint', 'pnpm', ['exec', 'biome', 'check', '.']],
  ['typecheck', 'pnpm', ['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ['build', 'pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']],
  // The built packages as they would be published (publishConfig, `files`); warnings fail too.
  ['publint', 'pnpm', ['-r', '--filter=./packages/*', 'exec', 'publint', '--strict']],
  [
    'vitest',
    'pnpm',
    [
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${REPORT}`,
      ...passthrough,
    ],
  ],
]

const run = {
  marker: `AGENTAPI_PROXY_TEST_RUN=${randomUUID()}`,
  root: mkdtempSync(join(tmpdir(), 'agentapi-proxy-test-run-')),
}
const [markerName, markerValue] = run.marker.split('=')
const vitestEnv = { ...process.env, TMPDIR: run.root, [markerName]: markerValue }

rmSync(REPORT, { force: true })
mkdirSync('.test-results', { recursive: true })
const failedSteps = []
let leftovers = ''
for (const [name, command, args] of steps) {
  process.stdout.write(`\n▶ ${name}: ${command} ${args.join(' ')}\n`)
  const env = name === 'vitest' ? vitestEnv : process.env
  const { status } = spawnSync(command, args, { stdio: 'inherit', env })
  if (status !== 0) failedSteps.push(name)
  if (name === 'vitest') leftovers = checkLeftovers()
}
if (leftovers) failedSteps.push('leftovers')

/**
 * Reports, kills and removes what the tests left: processes still alive a second after vitest
 * ended (time for helpers such as esbuild's service to see their parent gone), and entries in
 * the run's temp dir. Returns the line for the summary, or '' when nothing was left.
 */
function checkLeftovers() {
  process.stdout.write(`\n▶ leftovers: processes and files the tests left (${run.root})\n`)
  const first = new Set(findLeftovers(run).map(({ pid }) => pid))
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000)
  const processes = findLeftovers(run).filter(({ pid }) => first.has(pid))
  for (const { pid, cmdline, why } of processes) {
    process.stdout.write(`  process ${pid} (${why}): ${cmdline.slice(0, 300)}\n`)
  }
  killLeftovers(processes)
  // tsx keeps its compile cache in the temp dir by design: a cache, not a leftover.
  const entries = entriesLeftIn(run.root).filter((name) => !/^tsx-\d+$/.test(name))
  for (const name of entries) process.stdout.write(`  left in the temp dir: ${name}\n`)
  rmSync(run.root, { recursive: true, force: true })
  const found = [
    processes.length > 0 ? `${plural(processes.length, 'process', 'processes')} still running` : '',
    entries.length > 0 ? `${plural(entries.length, 'entry', 'entries')} in their temp dir` : '',
  ].filter(Boolean)
  const summary = found.length > 0 ? `The tests left ${found.join(' and ')} (listed above).` : ''
  process.stdout.write(`${summary || 'Nothing left behind.'}\n`)
  return summary
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`
}

let passed = 0
let failed = 0
let skipped = 0
if (existsSync(REPORT)) {
  const report = JSON.parse(readFileSync(REPORT, 'utf8'))
  passed = report.numPassedTests
  failed = report.numFailedTests
  skipped = report.numPendingTests + report.numTodoTests
}
if (failedSteps.length > 0) process.stdout.write(`\nFailed steps: ${failedSteps.join(', ')}\n`)
if (leftovers) process.stdout.write(`${leftovers}\n`)
if (passed + failed === 0) process.stdout.write('\nNo test ran: that is a failure.\n')
process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
process.exit(failedSteps.length > 0 || failed > 0 || passed === 0 ? 1 : 0)
