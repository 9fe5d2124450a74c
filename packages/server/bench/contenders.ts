// The backend and the proxies the benchmark compares, each started as its own process on
// 127.0.0.1 in front of one echo agent, and each reached at `/<session id>/…` with the prefix
// stripped, so every proxy does the same work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { freePort, installed, onCpus, type Running, start, waitForHttp } from './processes.ts'

const require = createRequire(import.meta.url)
const TSX = pathToFileURL(require.resolve('tsx')).href
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** A proxy under test: where to send requests for the session's agent. */
export interface Contender extends Running {
  /** Base URL of the session through this proxy; append an agent path such as `/status`. */
  base: string
  /** Ours only: whether it runs bundled (as `dist/` does) rather than through tsx. */
  bundled?: boolean
}

/** The echo agent (agentapi-compatible) as a process, with test timings. */
export async function startAgent(): Promise<Running> {
  const agent = await start(
    'echo agent',
    ...onCpus('rest', process.execPath, [
      ...['--import', TSX, here('../src/echo-agent/bin.ts')],
      ...['server', '--port', '0', '--', 'claude'],
    ]),
    { env: { ECHO_AGENT_DELAY_MS: '20' }, ready: /Starting server on port" port=(\d+)/ },
  )
  return { ...agent, ready: `http://127.0.0.1:${agent.ready}` }
}

/**
 * Our forwarder behind the production listener (Hono API mounted), auth off. It runs bundled,
 * as `dist/` is, so its RSS is not inflated by the TypeScript loader's own thread (~40 MiB).
 */
export async function startOurs(agentUrl: string, sessionId: string): Promise<Contender> {
  const entry = bundle(here('./proxy-server.ts'))
  const args = entry ? [entry] : ['--import', TSX, here('./proxy-server.ts')]
  const proxy = await start(
    'agentapi-proxy',
    ...onCpus('proxy', process.execPath, [...args, agentUrl, sessionId]),
    { ready: /^(http:\/\/\S+)$/m },
  )
  return {
    ...proxy,
    base: `${proxy.ready}/${sessionId}`,
    bundled: entry !== undefined,
    stop: () => proxy.stop().finally(() => entry && removeDir(dirname(entry))),
  }
}

// esbuild comes with tsx; without it the benchmark falls back to running the source with tsx.
function bundle(source: string): string | undefined {
  let esbuild: { buildSync(options: Record<string, unknown>): unknown }
  try {
    esbuild = createRequire(require.resolve('tsx'))('esbuild')
  } catch {
    return undefined
  }
  const outfile = join(mkdtempSync(join(tmpdir(), 'aap-bench-proxy-')), 'proxy-server.cjs')
  esbuild.buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'error',
  })
  return outfile
}

/** configurable-http-proxy 5 with one route, `/<session id>` → the agent, prefix stripped. */
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
