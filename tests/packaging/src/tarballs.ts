import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** The four published packages, in the order npm needs them. */
export const PUBLISHED = ['shared', 'client', 'server', 'cli'] as const

/**
 * Builds the workspace and packs each published package as `pnpm publish` would (publishConfig
 * applied, `workspace:*` rewritten to versions); returns the tarball paths.
 */
export function packAll(): string[] {
  execFileSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  )
  const out = mkdtempSync(join(tmpdir(), 'aap-tarballs-'))
  for (const name of PUBLISHED) {
    execFileSync('pnpm', ['pack', '--pack-destination', out], {
      cwd: join(ROOT, 'packages', name),
      stdio: 'ignore',
    })
  }
  return readdirSync(out).map((file) => join(out, file))
}

/** An empty npm project with the tarballs installed, as a user would install them. */
export function installInEmptyProject(tarballs: string[]): string {
  const project = mkdtempSync(join(tmpdir(), 'aap-consumer-'))
  execFileSync('npm', ['init', '-y'], { cwd: project, stdio: 'ignore' })
  execFileSync('npm', ['pkg', 'set', 'type=module'], { cwd: project, stdio: 'ignore' })
  execFileSync('npm', ['install', '--no-audit', '--no-fund', ...tarballs], {
    cwd: project,
    stdio: 'inherit',
  })
  return project
}

/**
 * The code blocks of a README that a user would paste and run: every `js` block, and every `sh`
 * block that neither installs nor starts a server (the packaging test does both itself).
 */
export function readmeExamples(readme: string): { lang: 'js' | 'sh'; code: string }[] {
  const blocks = [...readme.matchAll(/^```(js|sh)\n([\s\S]*?)^```$/gm)]
  return blocks
    .map(([, lang, code]) => ({ lang: lang as 'js' | 'sh', code: code ?? '' }))
    .filter(({ lang, code }) => lang === 'js' || !/npm install|agentapi-proxy server/.test(code))
}
