import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumAvailable, launchChromium } from '../../../packages/server/test/browser.ts'
import { type DemoStack, startDemoStack } from '../demo/stack.ts'

const SIGNED_IN_KEY = 'oauth-demo.signed-in'

describe.runIf(chromiumAvailable())('a share link in the OAuth demo', () => {
  let stack: DemoStack
  let browser: Browser

  beforeAll(async () => {
    stack = await startDemoStack({ appPort: 0, proxyPort: 0, echoDelayMs: 50 })
    browser = await launchChromium()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await stack?.close()
  }, 60_000)

  /** A new browser context: its own storage, so nobody is signed in there. */
  async function freshPage(url: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(url)
    return { page, errors }
  }

  it('opened signed out, shows the chat live and read-only until the link is revoked', async () => {
    const { page: owner, errors } = await freshPage(stack.appUrl)
    await owner.getByRole('button', { name: 'Sign in with GitHub' }).click()
    await owner.waitForURL((url) =>
      url.href.startsWith(`${stack.github.url}/login/oauth/authorize`),
    )
    await owner.selectOption('#login', 'alice')
    await owner.getByRole('button', { name: /^Authorize/ }).click()
    await owner.getByLabel('First message').fill('Before the link')
    await owner.getByRole('button', { name: 'Start session' }).click()
    await owner.waitForURL(/\/sessions\/[0-9a-f-]{36}$/)
    const sessionId = new URL(owner.url()).pathname.split('/')[2] ?? ''
    await owner.locator('.message.agent .bubble', { hasText: 'Echo: Before the link' }).waitFor()

    await owner.getByRole('button', { name: 'Copy share link' }).click()
    const field = owner.getByLabel('Share link')
    await owner.locator('.share-note', { hasText: 'read-only' }).waitFor()
    const link = await field.inputValue()
    expect(link).toMatch(new RegExp(`^${stack.appUrl.replace(/\/$/, '')}/shared#aas_`))

    const { page: viewer, errors: viewerErrors } = await freshPage(link)
    await viewer.getByRole('heading', { name: 'Shared session' }).waitFor()
    await viewer.locator('.message.agent .bubble', { hasText: 'Echo: Before the link' }).waitFor()
    expect(await viewer.locator('textarea, form, button').count()).toBe(0)
    expect(await viewer.evaluate((key) => sessionStorage.getItem(key), SIGNED_IN_KEY)).toBeNull()

    // The owner types; the viewer sees it arrive without reloading.
    await owner.getByText('The agent is ready for your message.').waitFor()
    await owner.getByPlaceholder(/Message the agent/).fill('Said while watched')
    await owner.getByRole('button', { name: 'Send' }).click()
    await viewer.locator('.message.user .bubble', { hasText: 'Said while watched' }).waitFor()
    await viewer
      .locator('.message.agent .bubble', { hasText: 'Echo: Said while watched' })
      .waitFor()

    // The owner sees the viewer, then revokes every link: the viewer's page says so.
    const token = await owner.evaluate(
      (key) => JSON.parse(sessionStorage.getItem(key) ?? '{}').token as string,
      SIGNED_IN_KEY,
    )
    const auth = { authorization: `Bearer ${token}` }
    const listed = await fetch(`${stack.proxyUrl}/sessions/${sessionId}/share`, { headers: auth })
    expect((await listed.json()).shares[0].viewers).toBe(1)
    const revoked = await fetch(`${stack.proxyUrl}/sessions/${sessionId}/share`, {
      method: 'DELETE',
      headers: auth,
    })
    expect(revoked.status).toBe(200)
    await viewer.getByText('This link was revoked, or never existed.').waitFor()
    expect(errors).toEqual([])
    expect(viewerErrors).toEqual([])
  }, 60_000)
})
