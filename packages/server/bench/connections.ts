// `pnpm bench connections`: how many idle connections (opened, nothing sent) the server holds
// before `GET /health` degrades. Runs the built server (dist/) in its own process with its file
// descriptor limit lowered to BENCH_FD_LIMIT (8192) by prlimit, so exhaustion is reached before
// the load generator's own limit; the sockets come from BENCH_ADDRESSES (100) loopback source
// addresses (127.0.0.2…), so a per-address cap alone cannot hide a total one.
// BENCH_IDLE (15000): idle sockets opened, in steps of 1,000; `/health` is timed after each step
// from 127.0.0.1 on a fresh connection, with a 2 s deadline.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { printTable } from './stats.ts'

const FD_LIMIT = Number(process.env.BENCH_FD_LIMIT ?? 8192)
const IDLE = Number(process.env.BENCH_IDLE ?? 15_000)
const ADDRESSES = Number(process.env.BENCH_ADDRESSES ?? 100)
const STEP = 1000
const SERVE = fileURLToPath(new URL('./serve-dist.mjs', import.meta.url))

async function startServer(dir: string): Promise<{ url: string; stop(): void }> {
  const file = join(dir, 'config.json')
  const config = {
    port: 0,
    persistence: { path: join(dir, 'proxy.sqlite') },
    session: { workdir_root: join(dir, 'sessions') },
  }
  writeFileSync(file, JSON.stringify(config))
  const child = spawn('prlimit', [`--nofile=${FD_LIMIT}`, process.execPath, SERVE, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    child.stdout?.once('data', (chunk: Buffer) => resolve(String(chunk).trim()))
  })
  return { url, stop: () => child.kill('SIGKILL') }
}

/** Opens `count` sockets that send nothing; resolves once each is connected or failed. */
function openIdle(port: number, count: number, offset: number, open: Set<Socket>) {
  const tries = Array.from({ length: count }, (_, i) => {
    const localAddress = `127.0.0.${2 + ((offset + i) % ADDRESSES)}`
    return new Promise<void>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress }, () => {
        open.add(socket)
        resolve()
      })
      socket.on('error', () => resolve())
      socket.on('close', () => open.delete(socket))
    })
  })
  return Promise.all(tries)
}

/** `GET /health` on a new connection (no pool: a kept-alive one would hide a full server). */
function timeHealth(url: string): Promise<string> {
  const t0 = performance.now()
  const took = () => `${(performance.now() - t0).toFixed(1)} ms`
  return new Promise((resolve) => {
    const req = get(`${url}/health`, { agent: false, timeout: 2000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(`${res.statusCode} in ${took()}`))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (error) => resolve(`failed (${error.message}) after ${took()}`))
  })
}

const dir = mkdtempSync(join(tmpdir(), 'aap-bench-connections-'))
const server = await startServer(dir)
const port = Number(new URL(server.url).port)
const open = new Set<Socket>()
const rows: string[][] = []
let alive = true
try {
  for (let opened = 0; opened < IDLE && alive; opened += STEP) {
    await openIdle(port, STEP, opened, open)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const health = await timeHealth(server.url)
    rows.push([String(opened + STEP), String(open.size), health])
    alive =
      !health.startsWith('failed') || rows.filter((r) => r[2]?.startsWith('failed')).length < 2
  }
} finally {
  for (const socket of open) socket.destroy()
  server.stop()
  rmSync(dir, { recursive: true, force: true })
}
console.log(`\nidle sockets from ${ADDRESSES} addresses; server fd limit ${FD_LIMIT}\n`)
printTable(['idle sockets opened', 'still open', 'GET /health'], rows)
