import { spawn } from 'node:child_process'

/**
 * Whether `login` should open a browser by itself: not with `--no-browser`, and only for a
 * person at a terminal — or when `BROWSER` names the program to use, which is asking for it.
 *
 * @example
 * if (shouldOpenBrowser(flags.noBrowser, process.env)) openBrowser(url, process.env)
 */
export function shouldOpenBrowser(noBrowser: boolean, env: NodeJS.ProcessEnv): boolean {
  if (noBrowser) return false
  return Boolean(env.BROWSER) || process.stderr.isTTY === true
}

/**
 * Opens `url` with `BROWSER` (a program that takes the URL as its argument), else the
 * platform's opener (`open` on macOS, `xdg-open` elsewhere). A failure to start it is not an
 * error: the URL is printed anyway. Resolves once the program started or failed to.
 *
 * @example
 * await openBrowser('https://github.com/login/oauth/authorize?…', process.env)
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const program = env.BROWSER || (process.platform === 'darwin' ? 'open' : 'xdg-open')
  return new Promise((resolve) => {
    // No shell: the URL is an argument, never parsed as a command line.
    const child = spawn(program, [url], { stdio: 'ignore' })
    child.once('error', () => resolve(false))
    child.once('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}
