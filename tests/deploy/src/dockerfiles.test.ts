import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  execForm,
  type Instruction,
  KNOWN_INSTRUCTIONS,
  parseDockerfile,
  type Stage,
  stageArgs,
  stages,
} from './dockerfile.ts'

// docker build cannot run on this machine (no engine): these checks catch what a build would
// reject at parse time, and the pinning rules a build would not enforce at all.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DOCKERFILES = ['proxy', 'agent'] as const

function load(name: (typeof DOCKERFILES)[number]) {
  const instructions = parseDockerfile(
    readFileSync(`${ROOT}deploy/docker/${name}.Dockerfile`, 'utf8'),
  )
  const parsed = stages(instructions)
  const final = parsed.stages.at(-1) as Stage
  const last = (keyword: string): Instruction | undefined =>
    final.instructions.filter((instruction) => instruction.keyword === keyword).at(-1)
  return { instructions, ...parsed, final, last, args: stageArgs(final, parsed.globalArgs) }
}

describe('parseDockerfile', () => {
  it('joins continuation lines, skipping comments inside them, and upper-cases keywords', () => {
    const parsed = parseDockerfile(
      '# syntax=docker/dockerfile:1\nfrom a:1.0.0\nRUN x \\\n# why\n  && y\n',
    )
    expect(parsed).toEqual([
      { keyword: 'FROM', args: 'a:1.0.0', line: 2 },
      { keyword: 'RUN', args: 'x && y', line: 3 },
    ])
  })

  it('substitutes global ARG defaults into FROM, and refuses one without a default', () => {
    const {
      stages: [stage],
    } = stages(parseDockerfile('ARG V=1.2.3\nFROM node:${V}-slim AS build\n'))
    expect(stage).toMatchObject({ image: 'node:1.2.3-slim', name: 'build' })
    expect(() => stages(parseDockerfile('ARG V\nFROM node:$V\n'))).toThrow(/ARG V has no default/)
  })
})

describe.each(DOCKERFILES)('deploy/docker/%s.Dockerfile', (name) => {
  const file = load(name)

  it('has only instructions Docker knows', () => {
    const unknown = file.instructions.filter(({ keyword }) => !KNOWN_INSTRUCTIONS.has(keyword))
    expect(unknown).toEqual([])
  })

  it('pins every base image to a full version tag', () => {
    const stageNames = new Set(file.stages.map((stage) => stage.name).filter(Boolean))
    for (const stage of file.stages) {
      if (stageNames.has(stage.image)) continue
      expect(stage.image, `line ${stage.from.line}`).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+[\w.-]*$/)
    }
  })

  it('names no latest tag or version anywhere', () => {
    const latest = file.instructions.filter(({ args }) => /\blatest\b/i.test(args))
    expect(latest).toEqual([])
  })

  it('runs as a user that is not root', () => {
    const user = file.last('USER')?.args.split(':')[0]
    expect(user).toBeDefined()
    expect(['root', '0']).not.toContain(user)
  })
})

describe('the proxy image', () => {
  const proxy = load('proxy')

  it('runs `agentapi-proxy server` as node on port 8080', () => {
    expect(proxy.last('USER')?.args).toBe('node')
    expect(proxy.last('EXPOSE')?.args).toBe('8080')
    expect(execForm(proxy.last('ENTRYPOINT')?.args ?? '')).toEqual(['agentapi-proxy', 'server'])
  })

  it('builds with the pnpm the repository names, and a frozen lockfile', () => {
    const root = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'))
    expect(`pnpm@${proxy.globalArgs.get('PNPM_VERSION')}`).toBe(root.packageManager)
    const runs = proxy.instructions
      .filter(({ keyword }) => keyword === 'RUN')
      .map(({ args }) => args)
    expect(runs).toContain('pnpm install --frozen-lockfile')
  })

  it('packs every published package of the workspace, and installs the tarballs', () => {
    const published = readdirSync(`${ROOT}packages`)
      .filter(
        (dir) => !JSON.parse(readFileSync(`${ROOT}packages/${dir}/package.json`, 'utf8')).private,
      )
      .sort()
    const pack = proxy.instructions.find(({ args }) => args.includes('pnpm pack'))?.args ?? ''
    const packed = /for name in ([\w ]+);/.exec(pack)?.[1]?.split(' ').sort()
    expect(packed).toEqual(published)
    expect(proxy.final.instructions.map(({ args }) => args).join('\n')).toMatch(
      /npm install --omit=dev .*\/tmp\/tarballs\/\*\.tgz/,
    )
  })
})

describe('the agent image', () => {
  const agent = load('agent')
  const runs = agent.final.instructions
    .filter(({ keyword }) => keyword === 'RUN')
    .map(({ args }) => args)

  it('runs agentapi as a numeric non-root user in /workspace', () => {
    expect(agent.last('USER')?.args).toMatch(/^[1-9]\d*:[1-9]\d*$/)
    expect(agent.last('WORKDIR')?.args).toBe('/workspace')
    expect(execForm(agent.last('ENTRYPOINT')?.args ?? '')).toEqual(['agentapi'])
  })

  it('fetches a pinned agentapi release and checks its SHA-256 before installing it', () => {
    expect(agent.args.get('AGENTAPI_VERSION')).toMatch(/^v\d+\.\d+\.\d+$/)
    expect(agent.args.has('AGENTAPI_SHA256')).toBe(true)
    const fetch = runs.find((run) => run.includes('releases/download/${AGENTAPI_VERSION}')) ?? ''
    expect(fetch).toMatch(/^set -eu;/)
    expect(fetch).toMatch(/if \[ -z "\$\{AGENTAPI_SHA256:-\}" \]; then .* exit 1; fi;/)
    expect(fetch).toMatch(
      /echo "\$\{AGENTAPI_SHA256\} {2}\/usr\/local\/bin\/agentapi" \| sha256sum --check/,
    )
  })

  // The download step itself, run by sh as Docker runs it (ARGs in the environment), with a
  // fake curl standing in for the network and the binary's path moved into a temp dir.
  it('refuses a binary whose SHA-256 differs, and a build without the checksum', () => {
    const fetch = runs.find((run) => run.includes('releases/download/${AGENTAPI_VERSION}')) ?? ''
    const dir = mkdtempSync(join(tmpdir(), 'aap-agent-fetch-'))
    try {
      mkdirSync(join(dir, 'bin'))
      const curl = join(dir, 'bin/curl')
      // Writes the URL it was asked for to --output, as the release asset's content.
      writeFileSync(
        curl,
        '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in --output) out=$2; shift;; http*) url=$1;; esac; shift; done\nprintf %s "$url" > "$out"\n',
      )
      chmodSync(curl, 0o755)
      const target = join(dir, 'agentapi')
      const url = `https://github.com/coder/agentapi/releases/download/${agent.args.get('AGENTAPI_VERSION')}/agentapi-linux-amd64`
      const good = createHash('sha256').update(url).digest('hex')
      const run = (sha: string) =>
        spawnSync('/bin/sh', ['-c', fetch.replaceAll('/usr/local/bin/agentapi', target)], {
          encoding: 'utf8',
          env: {
            PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
            TARGETARCH: 'amd64',
            AGENTAPI_VERSION: agent.args.get('AGENTAPI_VERSION'),
            AGENTAPI_SHA256: sha,
          },
        })
      expect(run('').stderr).toContain('pass --build-arg AGENTAPI_SHA256=')
      expect(run('').status).not.toBe(0)
      expect(run('0'.repeat(64)).status).not.toBe(0)
      const ok = run(good)
      expect(ok.status, ok.stderr).toBe(0)
      expect(readFileSync(target, 'utf8')).toBe(url)
      expect(statSync(target).mode & 0o777).toBe(0o755)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lets agentapi answer the proxy at its Service address (any Host header)', () => {
    const envs = agent.final.instructions.filter(({ keyword }) => keyword === 'ENV')
    expect(envs.map(({ args }) => args)).toContain('AGENTAPI_ALLOWED_HOSTS="*"')
  })

  it('installs an exact version of Claude Code', () => {
    expect(agent.args.get('CLAUDE_CODE_VERSION')).toMatch(/^\d+\.\d+\.\d+$/)
    expect(runs.join('\n')).toContain(
      'npm install --global --no-audit --no-fund @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}',
    )
  })
})
