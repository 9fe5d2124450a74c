import type { IncomingMessage } from 'node:http'
import { Problem } from './problems.ts'

/** Limits on reading a request body, huma's defaults unless said otherwise. */
export interface BodyLimits {
  /** huma's MaxBodyBytes; reaching it (not only passing it) is refused with 413. */
  maxBytes: number
  /** huma's BodyReadTimeout: 5 s by default, answered with 408. */
  timeoutMs: number
}

/** huma's defaults for an operation with a JSON body. */
export const JSON_BODY_LIMITS: BodyLimits = { maxBytes: 1024 * 1024, timeoutMs: 5000 }

/** Reads the whole body, or throws the Problem huma would answer with. */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (error?: Problem) => {
      clearTimeout(timer)
      req.off('data', onData).off('end', onEnd).off('error', onError)
      if (error === undefined) return resolve(Buffer.concat(chunks))
      // Throw the rest away so the connection can carry the answer.
      req.resume()
      reject(error)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size < limits.maxBytes) return void chunks.push(chunk)
      finish(new Problem(413, `request body is too large limit=${limits.maxBytes} bytes`))
    }
    const onEnd = () => finish()
    const onError = (error: Error) =>
      finish(new Problem(500, 'cannot read request body', [{ message: error.message }]))
    const timer = setTimeout(
      () => finish(new Problem(408, 'request body read timeout')),
      limits.timeoutMs,
    )
    req.on('data', onData).on('end', onEnd).on('error', onError)
  })
}
