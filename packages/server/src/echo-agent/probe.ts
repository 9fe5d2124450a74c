import { type IncomingHttpHeaders, request } from 'node:http'

/**
 * A raw HTTP request for tests of the wire format. `fetch` hides what matters here: it refuses
 * to set Host, merges repeated headers and parses bodies; this keeps every byte visible.
 */

/** What a {@link probe} sends. */
export interface ProbeRequest {
  method?: string
  /** Sent as given; `host: null` sends no Host header at all. */
  headers?: Readonly<Record<string, string | string[] | null>>
  body?: string | Buffer
}

/** What came back, undecoded. */
export interface ProbeResponse {
  status: number
  headers: IncomingHttpHeaders
  /** Header lines as sent, `[name, value, name, value, …]`, repeats kept. */
  rawHeaders: string[]
  body: string
}

/** Sends one request to `url` and reads the whole answer. */
export function probe(url: string, init: ProbeRequest = {}): Promise<ProbeResponse> {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(init.headers ?? {}))
    if (value !== null) headers[name] = value
  const setHost = init.headers?.host !== null
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers, setHost }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks).toString(),
        }),
      )
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

/** `probe` for `POST /message` with a JSON body. */
export function postMessage(baseUrl: string, body: unknown): Promise<ProbeResponse> {
  return probe(`${baseUrl}/message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}
