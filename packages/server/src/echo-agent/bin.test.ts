import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { spawnInGroup, stopGroup } from '../testing/process-group.ts'
import { EventStreamReader, statusIs } from './event-stream-reader.ts'
import { probe } from './probe.ts'

const BIN = fileURLToPath(new URL('./bin.ts', import.meta.url))
// From the repository root `--import tsx` resolves, as it does for a provisioner in development.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

const children: ChildProcess[] = []
// Killed with its group (tsx's esbuild service too), and waited for.
afterEach(() => Promise.all(children.splice(0).map((child) => stopGroup(child))))

/** agentapi needs a real port: take one the OS says is free. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

function spawnBin(args: string[], stdin: 'ignore' | 'pipe' = 'ignore') {
  const child = spawnInGroup(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ECHO_AGENT_DELAY_MS: '20' },
    stdio: [stdin, 'pipe', 'pipe'],
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const output = () => ({ stdout, stderr })
  const logged = async (text: string) => {
    while (!stdout.includes(text)) {
      if (child.exitCode !== null)
        throw new Error(`exited before logging ${text}: ${stdout}${stderr}`)
      await Promise.race([once(child.stdout as NodeJS.ReadableStream, 'data'), exited])
    }
  }
  return { child, exited, output, logged }
}

describe('echo agent executable', () => {
  it('runs like `agentapi server --port N -- claude` and exits 0 on SIGTERM', async () => {
    const port = await freePort()
    const { child, exited, output, logged } = spawnBin([
      'server',
      '--port',
      String(port),
      '--',
      'claude',
    ])
    await logged(`msg="Starting server on port" port=${port}`)
    const status = await probe(`http://localhost:${port}/status`)
    expect(status.status).toBe(200)
    expect(JSON.parse(status.body)).toMatchObject({ agent_type: 'claude', transport: 'pty' })
    expect(output().stdout).toMatch(
      /^time=\S+ level=INFO msg="Allowed hosts: localhost, 127\.0\.0\.1, ::1"\n/,
    )
    child.kill('SIGTERM')
    expect(await exited).toEqual([0, null])
    expect(output().stdout).toContain('msg="Cleaned up temporary directory"')
  })

  it('takes a piped stdin as the initial prompt, as agentapi does', async () => {
    const port = await freePort()
    const { child, exited, logged } = spawnBin(['--port', String(port)], 'pipe')
    child.stdin?.end('from stdin\n')
    await logged('msg="Read initial prompt from stdin" bytes=11')
    await logged('msg="Starting server on port"')
    const reader = new EventStreamReader(`http://127.0.0.1:${port}/events`)
    await reader.until(statusIs('stable'))
    reader.close()
    const { messages } = JSON.parse((await probe(`http://127.0.0.1:${port}/messages`)).body)
    expect(messages.map((m: { content: string }) => m.content).slice(1)).toEqual([
      'from stdin',
      'Echo: from stdin',
    ])
    child.kill('SIGINT')
    expect(await exited).toEqual([0, null])
  })

  it('exits 1 with cobra’s message on a bad command line', async () => {
    const { exited, output } = spawnBin(['server', '--nope'])
    expect(await exited).toEqual([1, null])
    expect(output().stderr).toBe(
      "Error: unknown flag: --nope\nRun 'agentapi server --help' for usage.\n",
    )
  })

  it('exits 1 with agentapi’s message on a bad setting', async () => {
    const { exited, output } = spawnBin(['--type', 'robot'])
    expect(await exited).toEqual([1, null])
    expect(output().stderr).toBe('failed to parse agent type: invalid agent type: robot\n')
  })
})
