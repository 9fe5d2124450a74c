#!/usr/bin/env node
// `pnpm test`: lint, typecheck, build and every vitest project, then one plain summary line
// computed from vitest's JSON report, so a run that executed nothing cannot pass unnoticed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

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

rmSync(REPORT, { force: true })
mkdirSync('.test-results', { recursive: true })
const failedSteps = []
for (const [name, command, args] of steps) {
  process.stdout.write(`\n▶ ${name}: ${command} ${args.join(' ')}\n`)
  const { status } = spawnSync(command, args, { stdio: 'inherit' })
  if (status !== 0) failedSteps.push(name)
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
if (passed + failed === 0) process.stdout.write('\nNo test ran: that is a failure.\n')
process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
process.exit(failedSteps.length > 0 || failed > 0 || passed === 0 ? 1 : 0)
