import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the browser brought back to the loopback listener, and a way to answer it once the
 * sign-in is over (the browser tab waits for that answer and shows it).
 *
 * @example
 * const { params, answer } = await listener.callback
 * answer(true, 'Signed in. You can close this tab.')
 */
export interface CallbackVisit {
  params: URLSearchParams
  answer(ok: boolean, text: string): void
}

/**
 * A one-shot HTTP listener on 127.0.0.1 and a port the OS picks, for the OAuth redirect
 * (RFC 8252 §7.3). Only `GET /callback` counts; anything else a browser asks for (a favicon)
 * is a 404 and changes nothing.
 *
 * @example
 * const listener = await listenForCallback()
 * await client.oauthAuthorize({ redirect_uri: listener.redirectUri })
 */
export interface CallbackListener {
  redirectUri: string
  callback: Promise<CallbackVisit>
  close(): void
}

/**
 * Starts the loopback listener.
 *
 * @example
 * const listener = await listenForCallback()
 * try { … } finally { listener.close() }
 */
export async function listenForCallback(): Promise<CallbackListener> {
  let visited: (visit: CallbackVisit) => void = () => {}
  const callback = new Promise<CallbackVisit>((resolve) => {
    visited = resolve
  })
  let taken = false
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method !== 'GET' || url.pathname !== '/callback' || taken) {
      return page(res, 404, 'Not found', 'Nothing to see here.')
    }
    taken = true
    visited({
      params: url.searchParams,
      answer: (ok, text) => page(res, ok ? 200 : 400, ok ? 'Signed in' : 'Not signed in', text),
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    callback,
    close: () => {
      server.close()
      server.closeAllConnections()
    },
  }
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const escaped = text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page shows a sentence and nothing else: no script, no referrer carrying the code on.
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  })
  res.end(
    `<!doctype html><meta charset="utf-8"><title>agentapi-proxy: ${title}</title><h1>${title}</h1><p>${escaped}</p>\n`,
  )
}
