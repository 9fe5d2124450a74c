import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeShareStoreContract, sampleShareRow } from '../shares/share-store.contract.ts'
import { MemoryShareStore } from '../shares/share-store.ts'
import { type OpenedStore, openStore } from './open.ts'
import { SqlShareStore } from './sql-shares.ts'

const logger = pino({ level: 'silent' })
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aap-sqlite-shares-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

async function openFresh(): Promise<{ handle: OpenedStore; file: string }> {
  const dir = await mkdtemp(join(root, 'db-'))
  const file = join(dir, 'proxy.sqlite')
  const persistence = { enabled: true, backend: 'sqlite', path: file } as const
  const handle = await openStore(persistence, { logger, env: {}, dataDir: join(dir, 'data') })
  return { handle, file }
}

const handles = new Map<object, OpenedStore>()
describeShareStoreContract('SQLite', {
  async open() {
    const { handle } = await openFresh()
    handles.set(handle.shares, handle)
    return handle.shares
  },
  release: async (store) => handles.get(store)?.close(),
})

describe('share links on SQLite', () => {
  it('come from openStore on its database; from memory when persistence is off', async () => {
    const { handle } = await openFresh()
    expect(handle.shares).toBeInstanceOf(SqlShareStore)
    await handle.close()
    const memory = await openStore(
      { enabled: false, backend: 'sqlite', path: '-' },
      { logger, env: {} },
    )
    expect(memory.shares).toBeInstanceOf(MemoryShareStore)
    await memory.close()
  })

  it('refuses to store a token where its digest belongs', async () => {
    const { handle } = await openFresh()
    try {
      const token = `aas_${'x'.repeat(43)}`
      await expect(handle.shares.insert(sampleShareRow({ hash: token }))).rejects.toThrow(/digest/)
    } finally {
      await handle.close()
    }
  })

  it('keeps the digest, never the token, in the file', async () => {
    const { handle, file } = await openFresh()
    const row = sampleShareRow()
    await handle.shares.insert(row)
    await handle.close()
    const bytes = Buffer.concat(
      await Promise.all([file, `${file}-wal`].map((p) => readFile(p).catch(() => Buffer.alloc(0)))),
    ).toString('latin1')
    expect(bytes).toContain(row.hash)
  })
})
