import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TempDirs } from '../testing/temp-dir.ts'
import { ensureHome, homeDirName } from './user-home.ts'

const dirs = new TempDirs()
afterEach(() => dirs.removeAll())

describe('homeDirName', () => {
  it.each([
    ['alice', /^alice-[0-9a-f]{16}$/],
    ['583231', /^583231-[0-9a-f]{16}$/],
    ['../../etc', /^______etc-[0-9a-f]{16}$/],
    ['a/b', /^a_b-[0-9a-f]{16}$/],
    ['..', /^__-[0-9a-f]{16}$/],
    ['', /^-[0-9a-f]{16}$/],
  ])('names %j %s: no separator, no dot, nothing outside the home root', (userId, name) => {
    expect(homeDirName(userId)).toMatch(name)
  })

  it('is stable, and differs for ids that sanitize alike', () => {
    expect(homeDirName('a/b')).toBe(homeDirName('a/b'))
    expect(homeDirName('a/b')).not.toBe(homeDirName('a_b'))
    expect(homeDirName('x'.repeat(200))).toHaveLength(40 + 1 + 16)
  })
})

describe('ensureHome', () => {
  it('creates the home 0700 under the root, and finds the same one again', () => {
    const root = join(dirs.make('aap-homes-'), 'homes')
    const home = ensureHome(root, 'alice')
    expect(home).toBe(join(root, homeDirName('alice')))
    expect(statSync(home).mode & 0o777).toBe(0o700)
    expect(ensureHome(root, 'alice')).toBe(home)
  })
})
