#!/usr/bin/env node
// Writes one agent's output (its stdin, a pipe the agent's stdout and stderr share) to the
// session's log file, never letting the file grow past `maxBytes`: when a write would pass the cap,
// the newest half is kept (from a line start) behind a marker, before the write lands.
//
// It runs beside the agent, in the agent's process group, not in the proxy: the agent then keeps
// a reader when the proxy dies (a Go agentapi writing to a pipe nobody reads dies of SIGPIPE), and
// a restarted proxy adopts both. Plain JavaScript, so no TypeScript loader starts per session.
//
// usage: node log-writer.mjs <log file> <max bytes>
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

export const TRIM_MARKER = Buffer.from('[… older output trimmed …]\n')

/**
 * A size-capped append-only log on an open file descriptor (opened `a+`).
 * @param {number} fd
 * @param {number} maxBytes
 */
export function cappedLog(fd, maxBytes) {
  const keep = Math.max(0, Math.floor(maxBytes / 2) - TRIM_MARKER.length)
  let size = fstatSync(fd).size
  return {
    /** @param {Buffer} chunk */
    write(chunk) {
      if (size + chunk.length <= maxBytes) {
        writeSync(fd, chunk)
        size += chunk.length
        return
      }
      const fromChunk = Math.min(chunk.length, keep)
      const fromFile = Math.min(size, keep - fromChunk)
      const old = Buffer.alloc(fromFile)
      if (fromFile > 0) readSync(fd, old, 0, fromFile, size - fromFile)
      let tail = Buffer.concat([old, chunk.subarray(chunk.length - fromChunk)])
      const lineStart = tail.indexOf(10) + 1
      if (lineStart > 0 && lineStart < tail.length) tail = tail.subarray(lineStart)
      ftruncateSync(fd, 0)
      const trimmed = Buffer.concat([TRIM_MARKER, tail])
      writeSync(fd, trimmed)
      size = trimmed.length
    },
  }
}

function main([path, max]) {
  const maxBytes = Number(max)
  if (!path || !Number.isInteger(maxBytes) || maxBytes <= 0) {
    process.stderr.write('usage: log-writer.mjs <log file> <max bytes>\n')
    process.exit(64)
  }
  // Out of the session's workdir: the proxy counts a session's processes by their directory.
  process.chdir('/')
  // A stop signals the whole group; the writer stays until the agent's last byte (EOF).
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => undefined)
  const fd = openSync(path, 'a+', 0o600)
  const log = cappedLog(fd, maxBytes)
  process.stdin.on('data', (chunk) => log.write(chunk))
  process.stdin.on('end', () => {
    closeSync(fd)
    process.exit(0)
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2))
}
