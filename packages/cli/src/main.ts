#!/usr/bin/env node
import { stripVTControlCharacters } from 'node:util'
import { type CommandDef, defineCommand, renderUsage, runCommand } from 'citty'
import { attach, messages, send, status } from './argv/agent.ts'
import { keys } from './argv/keys.ts'
import { echoAgent, openapi, server } from './argv/server.ts'
import { get, list, logs, remove, start, watch } from './argv/sessions.ts'
import { commandPath, strictArgs } from './argv/strict.ts'
import { CliError } from './cli-error.ts'
import { ExitCode } from './exit-codes.ts'
import { VERSION } from './version.ts'

const main = defineCommand({
  meta: {
    name: 'agentapi-proxy',
    version: VERSION,
    description: 'Run many coder/agentapi sessions behind one authenticated front door',
  },
  subCommands: {
    server,
    start,
    list,
    watch,
    get,
    logs,
    delete: remove,
    send,
    messages,
    status,
    attach,
    keys,
    openapi,
    'echo-agent': echoAgent,
  },
})

// `agentapi-proxy openapi | head -1`: the reader left, which is no failure of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok)
    throw error
  })
}

const code = await run(process.argv.slice(2))
// Pipes are asynchronous on some systems (macOS): let what was written reach them first.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((r) => s.write('', r))))
process.exit(code)

/**
 * The only place that exits: runs the command the arguments name and turns what it threw into
 * one line (plus what to do next) and an exit code. citty shows help and the version itself.
 */
async function run(rawArgs: string[]): Promise<number> {
  const end = rawArgs.indexOf('--')
  const options = end < 0 ? rawArgs : rawArgs.slice(0, end)
  // `help list` is `list --help`, as git and npm have it.
  if (rawArgs[0] === 'help') {
    await printHelp(rawArgs.slice(1), process.stdout)
    return ExitCode.ok
  }
  if (isVersion(rawArgs)) {
    process.stdout.write(`${VERSION}\n`)
    return ExitCode.ok
  }
  if (options.includes('--help') || options.includes('-h')) {
    await printHelp(options, process.stdout)
    return ExitCode.ok
  }
  if (rawArgs.length === 0) {
    await printHelp([], process.stderr)
    return ExitCode.usage
  }
  try {
    await runCommand(main, { rawArgs: strictArgs(main, rawArgs) })
    return ExitCode.ok
  } catch (error) {
    return report(error, rawArgs)
  }
}

/**
 * The help of the command the arguments name. Colours only on a terminal, and never with
 * NO_COLOR set (no-color.org): escape codes in a pipe or a file are noise.
 */
async function printHelp(args: string[], stream: NodeJS.WriteStream): Promise<void> {
  let command = main as CommandDef
  let parent: CommandDef | undefined
  for (const name of commandPath(main, args)) {
    parent = command
    command = (command.subCommands as Record<string, CommandDef>)[name] as CommandDef
  }
  const text = await renderUsage(command, parent)
  const colour = stream.isTTY === true && !process.env.NO_COLOR
  stream.write(`${colour ? text : stripVTControlCharacters(text)}\n`)
}

function report(error: unknown, rawArgs: string[]): number {
  if (error instanceof CliError) {
    // One line when it fits; a message of several lines (a config's problems) keeps its hint apart.
    const hint = error.hint ? `${error.message.includes('\n') ? '\n' : ' — '}${error.hint}` : ''
    process.stderr.write(`error: ${error.message}${hint}\n`)
    return error.exitCode
  }
  if (error instanceof Error && error.name === 'CLIError') {
    // citty's own: an unknown command, a missing argument, a value not among the choices.
    const message = stripVTControlCharacters(error.message)
    const path = ['agentapi-proxy', ...commandPath(main, rawArgs)].join(' ')
    process.stderr.write(`error: ${message} — see ${path} --help\n`)
    return ExitCode.usage
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
  process.stderr.write(`error: ${text}\n`)
  return ExitCode.error
}

function isVersion(rawArgs: string[]): boolean {
  return rawArgs.length === 1 && ['--version', '-v', '-V'].includes(rawArgs[0] as string)
}
