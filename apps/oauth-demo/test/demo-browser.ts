import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { launchChromium } from '../../../packages/server/test/browser.ts'
import { type DemoStack, startDemoStack } from '../demo/stack.ts'
import { SIGNED_IN_KEY } from '../src/storage-keys.ts'

/** The demo stack and a Chromium, for one test file's browser tests. */
export interface DemoBrowser {
  /** The stack (fake GitHub, proxy, app), once `beforeAll` has started it. */
  readonly stack: DemoStack
  /**
   * A new browser context on `url` (the app by default): its own sessionStorage, so nobody is
   * signed in there. `errors` collects its uncaught page errors, for the test to check.
   */
  open(url?: string): Promise<{ page: Page; errors: string[] }>
  /** Signs `page` in as `login` through the fake GitHub's approve page. */
  signIn(page: Page, login: string): Promise<void>
}

/**
 * Starts the demo stack and Chromium before the file's tests (call it inside the `describe`) and
 * closes both after.
 */
export function useDemoBrowser(viewport: { width: number; height: number }): DemoBrowser {
  let stack: DemoStack | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    stack = await startDemoStack({ appPort: 0, proxyPort: 0, echoDelayMs: 50 })
    browser = await launchChromium()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await stack?.close()
  }, 60_000)

  const started = () => {
    if (!stack || !browser) throw new Error('the demo stack is not started (used outside a test?)')
    return { stack, browser }
  }
  return {
    get stack() {
      return started().stack
    },
    async open(url) {
      const { stack, browser } = started()
      const page = await (await browser.newContext({ viewport })).newPage()
      // A step that hangs fails with its own name long before the test's timeout.
      page.setDefaultTimeout(10_000)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(url ?? stack.appUrl)
      return { page, errors }
    },
    async signIn(page, login) {
      const { stack } = started()
      await page.getByRole('button', { name: 'Sign in with GitHub' }).click()
      await page.waitForURL((url) =>
        url.href.startsWith(`${stack.github.url}/login/oauth/authorize`),
      )
      await page.selectOption('#login', login)
      await page.getByRole('button', { name: /^Authorize/ }).click()
    },
  }
}

/** What the app keeps in the page's sessionStorage about who is signed in; null when nobody. */
export function storedSignIn(page: Page): Promise<string | null> {
  return page.evaluate((key) => sessionStorage.getItem(key), SIGNED_IN_KEY)
}

/** The proxy's access token the app holds for the signed-in person. */
export async function signedInToken(page: Page): Promise<string> {
  return (JSON.parse((await storedSignIn(page)) ?? '{}') as { token: string }).token
}
