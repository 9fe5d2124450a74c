import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { probe } from './probe.ts'
import { useEchoAgents } from './test-agents.ts'

const TEN_MIB = 10 * 1024 * 1024

function upload(url: string, parts: [name: string, value: Blob | string, filename?: string][]) {
  const form = new FormData()
  for (const [name, value, filename] of parts) {
    if (typeof value === 'string') form.append(name, value)
    else form.append(name, value, filename)
  }
  return fetch(`${url}/upload`, { method: 'POST', body: form })
}

describe('echo agent POST /upload', () => {
  const start = useEchoAgents()

  it('stores the file under <tmp>/agentapi-uploads-*/<sha256 prefix>/<name>', async () => {
    const agent = await start()
    const res = await upload(agent.url, [['file', new Blob(['hello upload']), 'notes.txt']])
    expect(res.status).toBe(200)
    expect(res.headers.get('link')).toBe('</schemas/UploadResponseBody.json>; rel="describedBy"')
    const text = await res.text()
    const body = JSON.parse(text)
    expect(Object.keys(body)).toEqual(['$schema', 'ok', 'filePath'])
    const hash = createHash('sha256').update('hello upload').digest('hex').slice(0, 16)
    expect(body.filePath).toMatch(
      new RegExp(`^${tmpdir()}/agentapi-uploads-[^/]+/${hash}/notes\\.txt$`),
    )
    expect(readFileSync(body.filePath, 'utf8')).toBe('hello upload')
  })

  it('keeps only the base name of the uploaded file', async () => {
    const agent = await start()
    const res = await upload(agent.url, [['file', new Blob(['x']), '../../etc/passwd']])
    expect(JSON.parse(await res.text()).filePath).toMatch(
      /\/agentapi-uploads-[^/]+\/[0-9a-f]{16}\/passwd$/,
    )
  })

  it('accepts exactly 10 MiB and refuses one byte more', async () => {
    const agent = await start()
    expect(
      (await upload(agent.url, [['file', new Blob([Buffer.alloc(TEN_MIB)]), 'ok.bin']])).status,
    ).toBe(200)
    const res = await upload(agent.url, [
      ['file', new Blob([Buffer.alloc(TEN_MIB + 1)]), 'big.bin'],
    ])
    expect(res.status).toBe(400)
    expect(JSON.parse(await res.text())).toMatchObject({
      title: 'Bad Request',
      status: 400,
      detail: 'file size exceeds 10MB limit',
    })
  })

  it('refuses a form without a file part with 422', async () => {
    const agent = await start()
    const res = await upload(agent.url, [['file', 'just text']])
    expect(res.status).toBe(422)
    expect(JSON.parse(await res.text())).toMatchObject({
      detail: 'validation failed',
      errors: [{ message: 'File required', location: 'file' }],
    })
  })

  it('refuses a body that is not multipart with 422', async () => {
    const agent = await start()
    const res = await probe(`${agent.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(res.status).toBe(422)
    expect(JSON.parse(res.body).errors).toEqual([
      {
        message: "cannot read multipart form: request Content-Type isn't multipart/form-data",
        location: 'body',
      },
    ])
  })

  it('removes the upload directory on close', async () => {
    const agent = await start()
    const res = await upload(agent.url, [['file', new Blob(['bye']), 'bye.txt']])
    const { filePath } = JSON.parse(await res.text())
    await agent.close()
    expect(existsSync(dirname(dirname(filePath)))).toBe(false)
  })
})
