#!/usr/bin/env node
// `pnpm run bootstrap`: installs the workspace. better-sqlite3 has no prebuilt binary it can
// fetch here, so node-gyp compiles it, and node-gyp downloads Node's headers unless it is told
// where they are. Node's own install has them (<prefix>/include/node); pnpm does not pass npm's
// `nodedir` setting on, so this sets it for the install when the headers are there.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

const prefix = dirname(dirname(process.execPath))
const env = { ...process.env }
if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node.h'))) {
  env.npm_config_nodedir = prefix
}
const { status } = spawnSync('pnpm', ['install', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
})
process.exit(status ?? 1)
