import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { errnoCode, StartupError } from './startup-error.ts'

/**
 * Checks, without creating anything, that the server could make `path` a directory it writes
 * in: it is one, or its nearest existing ancestor is a writable directory. `field` names the
 * setting in the message.
 *
 * @example
 * await checkDirectory('data/sessions', 'session.workdir_root')
 */
export async function checkDirectory(path: string, field: string, hint?: string): Promise<void> {
  const target = resolve(path)
  const found = await statOrNull(target, field)
  if (found?.isDirectory()) return checkWritable(target, field)
  if (found) {
    throw new StartupError(
      `${field} ${target} is a file, not a directory`,
      hint ?? `remove the file or point ${field} at a directory`,
    )
  }
  await checkCreatable(target, field)
}

/**
 * Checks, without creating anything, that the server could open `path` as a file it writes: an
 * existing writable file, or a name in a directory {@link checkDirectory} accepts.
 *
 * @example
 * await checkFile('data/agentapi-proxy.sqlite', 'persistence.path')
 */
export async function checkFile(path: string, field: string, example: string): Promise<void> {
  const target = resolve(path)
  const found = await statOrNull(target, field)
  if (found?.isDirectory()) {
    throw new StartupError(
      `${field} ${target} is a directory, not a file`,
      `point ${field} at a file in it, e.g. ${resolve(target, example)}`,
    )
  }
  if (found) return checkWritable(target, field)
  await checkCreatable(target, field)
}

/** Walks up to the nearest existing ancestor, which must be a directory the server may write. */
async function checkCreatable(target: string, field: string): Promise<void> {
  let parent = dirname(target)
  for (;;) {
    const found = await statOrNull(parent, field)
    if (found?.isDirectory()) return checkWritable(parent, field, target)
    if (found) {
      throw new StartupError(
        `${field} ${target} is under ${parent}, which is a file`,
        `point ${field} at a path whose parents are directories`,
      )
    }
    if (dirname(parent) === parent) return
    parent = dirname(parent)
  }
}

async function checkWritable(path: string, field: string, wanted = path): Promise<void> {
  try {
    await access(path, constants.W_OK)
  } catch {
    const what = wanted === path ? `${field} ${path}` : `${field} ${wanted}: its parent ${path}`
    throw new StartupError(
      `${what} is not writable by this user`,
      `fix its permissions or point ${field} elsewhere`,
    )
  }
}

/** The path's stat, or null when nothing is there (ENOTDIR: a parent is a file; seen above). */
async function statOrNull(path: string, field: string) {
  try {
    return await stat(path)
  } catch (error) {
    const code = errnoCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw new StartupError(
      `${field} ${path} cannot be examined (${code ?? String(error)})`,
      `fix its permissions or point ${field} elsewhere`,
    )
  }
}
