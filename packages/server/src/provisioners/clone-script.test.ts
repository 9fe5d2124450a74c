import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { GITHUB_SCRIPT } from './startup-scripts.ts'

// Issue 19 item 9, at the script: whatever reaches it, git gets no option and no other transport.
// Reproduce: bash agentapi_with_github.sh 'ext::sh -c touch% /tmp/x' true
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function run(repository: string) {
  const cwd = mkdtempSync(join(tmpdir(), 'aap-clone-'))
  dirs.push(cwd)
  const marker = join(cwd, 'pwned')
  const result = spawnSync('bash', [GITHUB_SCRIPT, repository.replace('MARKER', marker), 'true'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd },
    encoding: 'utf8',
    timeout: 10_000,
  })
  return { ...result, marker, cwd }
}

describe('agentapi_with_github.sh', () => {
  it.each([
    'ext::sh -c touch% MARKER',
    '--upload-pack=touch MARKER',
    '-u/x',
    'git://127.0.0.1/o/r',
    'http://127.0.0.1/o/r',
  ])('refuses %s with exit 64 and runs nothing', (repository) => {
    const { status, stderr, marker, cwd } = run(repository)
    expect(status).toBe(64)
    expect(stderr).toContain('refusing repository')
    expect(existsSync(marker)).toBe(false)
    expect(readdirSync(cwd)).toEqual([])
  })
})
