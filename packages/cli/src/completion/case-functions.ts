import { allCommands, type CommandSpec } from './command-tree.ts'
import { singleQuoted } from './shell-quote.ts'

/**
 * The shell functions bash and zsh completion share, as `case` tables generated from the command
 * tree: which word enters which subcommand, which options take a value and what values, and
 * the walk over the words typed so far. They return through `REPLY`, so no subshell runs per
 * word.
 *
 * @example
 * const script = `${caseFunctions(commandTree(root))}\ncomplete -F _agentapi_proxy agentapi-proxy`
 */
export function caseFunctions(tree: CommandSpec): string {
  const commands = allCommands(tree)
  const entries = commands.flatMap((command) =>
    command.subcommands.map(
      (sub) =>
        `    ${[sub.name, ...sub.aliases].map((word) => key(command, word)).join(' | ')}) REPLY=${singleQuoted(sub.path.join(' '))} ;;`,
    ),
  )
  const valued = commands.flatMap((command) =>
    command.options
      .filter((option) => option.takesValue)
      .map((option) => ({ command, option, keys: option.flags.map((f) => key(command, f)) })),
  )
  const values = valued
    .filter(({ option }) => option.files || option.choices)
    .map(({ option, keys }) => {
      const reply = option.files ? '@files' : (option.choices ?? []).join(' ')
      return `    ${keys.join(' | ')}) REPLY=${singleQuoted(reply)} ;;`
    })
  return `_agentapi_proxy_sub() {
  case "$1|$2" in
${entries.join('\n')}
    *) return 1 ;;
  esac
}

_agentapi_proxy_takes_value() {
  case "$1|$2" in
    ${valued.flatMap(({ keys }) => keys).join(' | \\\n    ')}) return 0 ;;
  esac
  return 1
}

_agentapi_proxy_values() {
  case "$1|$2" in
${values.join('\n')}
    *) REPLY='' ;;
  esac
}

# The command the words before the cursor name (REPLY), and whether the word at the cursor is
# the value of an option (_agentapi_proxy_pending=1).
_agentapi_proxy_path() {
  local p='' w skip=0
  for w in "$@"; do
    if ((skip)); then
      skip=0
      continue
    fi
    case $w in
      --*=*) ;;
      -?*) _agentapi_proxy_takes_value "$p" "$w" && skip=1 ;;
      *) _agentapi_proxy_sub "$p" "$w" && p=$REPLY ;;
    esac
  done
  REPLY=$p
  _agentapi_proxy_pending=$skip
}`
}

function key(command: CommandSpec, word: string): string {
  return singleQuoted(`${command.path.join(' ')}|${word}`)
}
