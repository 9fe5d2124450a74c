#!/usr/bin/env node
// `pnpm bench [name...]`: builds, then runs the named benchmarks (all when none is named).
// Benchmarks print figures; they are not tests and assert nothing.
import { spawnSync } from 'node:child_process'

// Each benchmark is one script; helpers beside them are not benchmarks.
const BENCHMARKS = {
  sessions: 'packages/server/bench/sessions.ts',
  proxy: 'packages/server/bench/proxy.ts',
  search: 'packages/server/bench/search.ts',
  connections: 'packages/server/bench/connections.ts',
  events: 'packages/server/bench/events.ts',
  fuzz: 'packages/server/bench/fuzz.ts',
  attack: 'packages/server/bench/attack.ts',
  soak: 'packages/server/bench/soak.ts',
}
const available = Object.keys(BENCHMARKS)
const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !available.includes(name))
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (available: ${available.join(', ')})`)
  process.exit(2)
}

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status ?? 1
if (run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']) !== 0)
  process.exit(1)
for (const name of wanted.length > 0 ? wanted : available) {
  const file = BENCHMARKS[name]
  console.log(`\n=== bench: ${name} ===`)
  if (run('pnpm', ['exec', 'tsx', file]) !== 0) process.exit(1)
}
