import { CliError } from '../cli-error.ts'
import { bashCompletion } from '../completion/bash.ts'
import type { CommandSpec } from '../completion/command-tree.ts'
import { fishCompletion } from '../completion/fish.ts'
import { zshCompletion } from '../completion/zsh.ts'
import { ExitCode } from '../exit-codes.ts'

const SCRIPTS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion }

/**
 * The shells `agentapi-proxy completion` writes a script for.
 *
 * @example
 * SHELLS.includes('zsh') // true
 */
export const SHELLS = Object.keys(SCRIPTS) as (keyof typeof SCRIPTS)[]

/**
 * Prints the completion script of `shell` for the command tree the argument parser runs.
 *
 * @example
 * completionCommand('bash', commandTree(root))
 */
export function completionCommand(shell: string, tree: CommandSpec): void {
  const script = SCRIPTS[shell as keyof typeof SCRIPTS]
  if (!script) {
    throw new CliError(
      `completion is for ${SHELLS.join(', ')}`,
      'e.g. agentapi-proxy completion bash',
      ExitCode.usage,
    )
  }
  process.stdout.write(script(tree))
}
