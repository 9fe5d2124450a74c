/** One instruction of a Dockerfile, its continuation lines joined. */
export interface Instruction {
  /** Upper-cased, as Docker compares them. */
  keyword: string
  args: string
  /** 1-based line where the instruction starts. */
  line: number
}

/** Every instruction the Dockerfile reference defines; anything else fails `docker build`. */
export const KNOWN_INSTRUCTIONS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
])

/**
 * Splits a Dockerfile into instructions the way Docker's parser does for the default escape
 * character: a trailing backslash continues the line, and comment or blank lines inside a
 * continuation are dropped. Parser directives and comments are not instructions. Heredocs are
 * not supported (these Dockerfiles use none); an unknown keyword is returned as it is, for the
 * caller to reject.
 */
export function parseDockerfile(text: string): Instruction[] {
  const lines = text.split(/\r?\n/)
  const instructions: Instruction[] = []
  let current: { parts: string[]; line: number } | null = null
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const continues = trimmed.endsWith('\\')
    const body = continues ? trimmed.slice(0, -1).trim() : trimmed
    if (current) current.parts.push(body)
    else current = { parts: [body], line: index + 1 }
    if (continues) continue
    instructions.push(toInstruction(current.parts.join(' '), current.line))
    current = null
  }
  if (current) throw new Error(`line ${current.line}: the last instruction ends in a backslash`)
  return instructions
}

function toInstruction(text: string, line: number): Instruction {
  const match = /^(\S+)\s*(.*)$/.exec(text)
  if (!match?.[1]) throw new Error(`line ${line}: empty instruction`)
  return { keyword: match[1].toUpperCase(), args: match[2] ?? '', line }
}

/** The build stages, each from its FROM to the next; global ARGs (before the first FROM) apart. */
export interface Stage {
  from: Instruction
  /** The base image with global ARG defaults substituted. */
  image: string
  name: string | undefined
  instructions: Instruction[]
}

export function stages(instructions: Instruction[]): {
  globalArgs: Map<string, string>
  stages: Stage[]
} {
  const globalArgs = new Map<string, string>()
  const result: Stage[] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'))
      result.push({
        from: instruction,
        image: substitute(image, globalArgs),
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      })
    } else if (result.length === 0) {
      if (instruction.keyword !== 'ARG') {
        throw new Error(`line ${instruction.line}: only ARG may come before the first FROM`)
      }
      const [key = '', value = ''] = instruction.args.split('=', 2)
      globalArgs.set(key.trim(), value.trim())
    } else {
      result.at(-1)?.instructions.push(instruction)
    }
  }
  return { globalArgs, stages: result }
}

/** `$NAME` and `${NAME}` from `args`; an unknown name is an error, as an empty tag would be. */
export function substitute(text: string, args: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => {
    const name = (a ?? b) as string
    const value = args.get(name)
    if (value === undefined || value === '') throw new Error(`${text}: ARG ${name} has no default`)
    return value
  })
}

/** The JSON (exec) form of CMD/ENTRYPOINT, or null for the shell form. */
export function execForm(args: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(args)
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : null
  } catch {
    return null
  }
}

/** The ARG values visible in a stage: its own defaults, or the global default it re-declares. */
export function stageArgs(stage: Stage, globalArgs: Map<string, string>): Map<string, string> {
  const args = new Map<string, string>()
  for (const { keyword, args: text } of stage.instructions) {
    if (keyword !== 'ARG') continue
    const [key = '', value] = text.split('=', 2)
    args.set(key.trim(), value === undefined ? (globalArgs.get(key.trim()) ?? '') : value.trim())
  }
  return args
}
