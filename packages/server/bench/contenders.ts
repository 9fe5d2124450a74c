// The proxies the benchmark compares, each its own process on 127.0.0.1 in front of the same
// echo agent code, and each reached at `/<session id>/…` with the prefix stripped, so every
// proxy does the same work. Ours forwards to its session's agent, which demands the session's
// secret; the others cannot send it, so they (and the direct path) reach a second echo agent
// started without one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startDistServer } from './dist-server.ts'
import { freePort, installed, onCpus, type Running, start, waitForHttp } from './processes.ts'

const require = createRequire(import.meta.url)

/** A proxy under test: where to send requests for the session's agent. */
export interface Contender extends Running {
  /** Base URL of the session through this proxy; append an agent path such as `/status`. */
  base: string
}

/** Ours, with its one session, and the secret-free echo agent the other contenders reach. */
export interface Ours extends Contender {
  /** An echo agent like the session's, without its secret: what the peers proxy to. */
  agent: Running
}

const ECHO_AGENT = fileURLToPath(new URL('../dist/echo-agent.js', import.meta.url))

async function startEchoAgent(): Promise<Running> {
  const port = await freePort()
  const args = [ECHO_AGENT, 'server', '--port', String(port), '--type', 'claude', '--', 'claude']
  const agent = await start('echo agent', process.execPath, args)
  await waitForHttp(`http://127.0.0.1:${port}/status`)
  return { ...agent, ready: `http://127.0.0.1:${port}` }
}

/**
 * The real server, built (dist/) and configured as a user runs it with auth off, with one
 * echo-agent session started through `POST /start`. Every other contender is pointed at that
 * session's agent, so all of them forward to the same backend.
 */
export async function startOurs(): Promise<Ours> {
  const server = await startDistServer({
    session: { inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS'] },
    // The 1,000 SSE streams all come from 127.0.0.1.
    server: { max_connections_per_ip: 0 },
  })
  try {
    const started = await fetch(`${server.url}/start`, { method: 'POST' })
    const { session_id: id } = (await started.json()) as { session_id: string }
    await activePort(server.url, id)
    const agent = await startEchoAgent()
    return {
      name: 'agentapi-proxy',
      pid: server.pid,
      ready: server.url,
      base: `${server.url}/${id}`,
      stop: async () => {
        await agent.stop()
        await server.stop() // which stops its sessions
      },
      agent,
    }
  } catch (error) {
    await server.stop()
    throw error
  }
}

// Stable, not only active: a message sent while the agent still starts up is refused (500).
async function activePort(url: string, id: string): Promise<number> {
  for (let tries = 0; tries < 400; tries++) {
    const session = (await (await fetch(`${url}/sessions/${id}`)).json()) as {
      status: string
      agent_status: string | null
      port: number | null
      error: string | null
    }
    const ready = session.status === 'active' && session.agent_status === 'stable'
    if (ready && session.port) return session.port
    if (session.status !== 'starting' && session.status !== 'active')
      throw new Error(`bench session ${session.status}: ${session.error}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('the bench session did not become active')
}

export async function startChp(agentUrl: string, sessionId: string): Promise<Contender> {
  const [port, apiPort] = [await freePort(), await freePort()]
  const token = 'bench-token'
  const proxy = await start(
    'configurable-http-proxy',
    ...onCpus('proxy', process.execPath, [
      require.resolve('configurable-http-proxy/bin/configurable-http-proxy'),
      ...['--ip', '127.0.0.1', '--port', String(port)],
      ...['--api-ip', '127.0.0.1', '--api-port', String(apiPort)],
      '--no-include-prefix',
      ...['--log-level', 'warn'],
    ]),
    { env: { CONFIGPROXY_AUTH_TOKEN: token } },
  )
  const api = `http://127.0.0.1:${apiPort}/api/routes/${sessionId}`
  await waitForHttp(`http://127.0.0.1:${apiPort}/api/routes`)
  const added = await fetch(api, {
    method: 'POST',
    headers: { authorization: `token ${token}` },
    body: JSON.stringify({ target: agentUrl }),
  })
  if (added.status !== 201) throw new Error(`configurable-http-proxy route: ${added.status}`)
  return { ...proxy, base: `http://127.0.0.1:${port}/${sessionId}` }
}

/** nginx with one worker and keep-alive upstream connections; `undefined` when not installed. */
export async function startNginx(
  agentUrl: string,
  sessionId: string,
): Promise<Contender | undefined> {
  if (!installed('nginx', ['-v'])) return undefined
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'aap-bench-nginx-'))
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, nginxConf(port, agentUrl.replace('http://', ''), sessionId, dir))
  const proxy = await start(
    'nginx',
    ...onCpus('proxy', 'nginx', ['-p', dir, '-c', conf, '-e', 'stderr']),
  )
  await waitForHttp(`http://127.0.0.1:${port}/`)
  return {
    ...proxy,
    base: `http://127.0.0.1:${port}/${sessionId}`,
    stop: () => proxy.stop().finally(() => removeDir(dir)),
  }
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

// A fair nginx: one worker — the process itself, without a master, so its CPU time is the
// worker's — no access log, keep-alive to the agent, no response buffering (as SSE needs), and
// the same prefix stripping as ours.
function nginxConf(port: number, agent: string, sessionId: string, dir: string): string {
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream agent { server ${agent}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location /${sessionId}/ {
      proxy_pass http://agent/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
    location / { return 404; }
  }
}
`
}
