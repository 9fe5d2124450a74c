import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Problem } from './problems.ts'
import { readBody } from './request-body.ts'

/**
 * `POST /upload` storage, as agentapi keeps it: one temp directory per server, created at start
 * and removed at shutdown; each file lands in `<dir>/<first 16 hex of sha256>/<basename>`.
 */

// agentapi reads at most 10 MiB of the file; exactly 10 MiB is still accepted.
const MAX_FILE_BYTES = 10 * 1024 * 1024
// The multipart framing around the file is small; past this the file cannot fit anyway.
const MAX_BODY_BYTES = MAX_FILE_BYTES + 1024 * 1024

export class Uploads {
  readonly directory: string

  private constructor(directory: string) {
    this.directory = directory
  }

  /** Creates the `agentapi-uploads-*` directory under the OS temp dir. */
  static async create(): Promise<Uploads> {
    return new Uploads(await mkdtemp(join(tmpdir(), 'agentapi-uploads-')))
  }

  /** Stores the request's `file` part and returns its path, or throws huma's Problem. */
  async save(req: IncomingMessage): Promise<string> {
    const contentType = req.headers['content-type'] ?? ''
    const form = await readForm(req, contentType)
    const files = form
      .getAll('file')
      .filter((part): part is File => typeof part !== 'string' && part.name !== '')
    if (files.length === 0)
      throw Problem.validation(422, [{ message: 'File required', location: 'file' }])
    if (files.length > 1) {
      throw Problem.validation(422, [
        { message: 'Multiple files received but only one was expected', location: 'file' },
      ])
    }
    const [file] = files as [File]
    const content = Buffer.from(await file.arrayBuffer())
    if (content.length > MAX_FILE_BYTES) throw new Problem(400, 'file size exceeds 10MB limit')
    const folder = join(
      this.directory,
      createHash('sha256').update(content).digest('hex').slice(0, 16),
    )
    await mkdir(folder, { recursive: true })
    const path = join(folder, basename(file.name))
    await writeFile(path, content)
    return path
  }

  /** Removes the directory and everything uploaded into it. */
  async dispose(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true })
  }
}

async function readForm(req: IncomingMessage, contentType: string): Promise<FormData> {
  // Go's ParseMultipartForm refuses anything but multipart/form-data with a boundary.
  const [mediaType = '', ...params] = contentType.split(';').map((part) => part.trim())
  if (mediaType.toLowerCase() !== 'multipart/form-data') {
    throw cannotRead("request Content-Type isn't multipart/form-data")
  }
  if (!params.some((param) => /^boundary=./i.test(param))) {
    throw cannotRead('no multipart boundary param in Content-Type')
  }
  const body = await readBody(req, { maxBytes: MAX_BODY_BYTES, timeoutMs: 5000 }).catch(
    (error: unknown) => {
      if (error instanceof Problem && error.status === 413)
        throw new Problem(400, 'file size exceeds 10MB limit')
      throw error
    },
  )
  try {
    return await new Request('http://echo-agent/upload', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData()
  } catch {
    throw cannotRead('multipart: NextPart: EOF')
  }
}

function cannotRead(reason: string): Problem {
  return Problem.validation(422, [
    { message: `cannot read multipart form: ${reason}`, location: 'body' },
  ])
}
