// The SDK's README example, run verbatim as a user would run it, against a real server.
import { spawn } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { stopGroup } from '@agentapi-proxy/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from './harness.ts'

const README = fileURLToPath(new URL('../../../packages/client/README.md', import.meta.url))
// Inside this package, so `@agentapi-proxy/client` resolves as it does for an installed user.
const SCRIPT = fileURLToPath(new URL(`../.readme-example-${process.pid}.mjs`, import.meta.url))
// The workspace's client exports TypeScript sources: tsx loads them (the published one is JS).
const serverRequire = createRequire(
  createRequire(import.meta.url).resolve('@agentapi-proxy/server'),
)
const TSX = pathToFileURL(serverRequire.resolve('tsx')).href

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy()
})
afterAll(async () => {
  rmSync(SCRIPT, { force: true })
  await proxy.close()
})

function example(): string {
  const text = readFileSync(README, 'utf8')
  const section = text.slice(text.indexOf('## Example'))
  const match = /```js\n([\s\S]*?)```/.exec(section)
  if (!match?.[1]) throw new Error('no ```js block under "## Example" in the client README')
  return match[1]
}

describe("the client README's example", () => {
  it('runs as written: prints the echo of its message, the event types, and deletes the session', async () => {
    writeFileSync(SCRIPT, example())
    const child = spawn(process.execPath, ['--import', TSX, SCRIPT], {
      env: { ...process.env, AGENTAPI_PROXY_URL: proxy.url },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    try {
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk) => (stdout += chunk))
      child.stderr.on('data', (chunk) => (stderr += chunk))
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
      expect(code, stderr).toBe(0)
      const lines = stdout.trim().split('\n')
      expect(lines[0]).toBe('Echo: Hello')
      expect(lines.slice(1)).toContain('status_change')
      const search = await (await fetch(`${proxy.url}/search?tag.team=docs`)).json()
      expect(search.sessions.map((s: { status: string }) => s.status)).toEqual(['stopped'])
    } finally {
      await stopGroup(child)
    }
  }, 90_000)
})
