/**
 * All of stdin as text, without its final newline (`echo hi | … send <id> -` sends `hi`).
 *
 * @example
 * const message = await readStdin()
 */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer | string))
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}
