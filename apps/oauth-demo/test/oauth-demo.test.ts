import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { chromiumAvailable } from '../../../packages/server/test/browser.ts'
import { signedInToken, storedSignIn, useDemoBrowser } from './demo-browser.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ARTIFACT = join(ROOT, 'test-artifacts/oauth-demo-chat.png')
// The README's picture. Rewritten only when missing or asked for, so that running the tests
// does not leave a changed file in every checkout.
const README_SCREENSHOT = join(ROOT, 'docs/oauth-demo.png')

describe.runIf(chromiumAvailable())('the OAuth demo in a real browser', () => {
  const demo = useDemoBrowser({ width: 1200, height: 700 })

  it('signs in through GitHub, chats with a new session, stops it and signs out', async () => {
    const { page, errors } = await demo.open()
    await demo.signIn(page, 'alice')

    // Back from GitHub: the proxy's token is kept, the code is gone from the address bar.
    await page.locator('.who-am-i .user-name', { hasText: 'Alice Admin' }).waitFor()
    expect(await page.locator('.who-am-i .pill.role').textContent()).toBe('admin')
    expect(await page.locator('.who-am-i .permissions').textContent()).toContain('* (everything)')
    expect(new URL(page.url()).pathname).toBe('/')
    const token = await signedInToken(page)
    const githubTokens = demo.stack.github.fake?.world.oauthTokens().map((record) => record.token)
    expect(githubTokens).toHaveLength(1)
    expect(githubTokens).not.toContain(token)

    // The proxy's refusals reach the person in its words.
    await page.getByLabel('Environment').fill('LD_PRELOAD=/tmp/evil.so')
    await page.getByRole('button', { name: 'Start session' }).click()
    await page.getByRole('alert').filter({ hasText: 'LD_PRELOAD may never be set' }).waitFor()

    await page.getByLabel('Environment').fill('APP_GREETING=hello')
    await page.getByLabel('Tags').fill('team=demo, purpose=e2e')
    await page.getByLabel('First message').fill('Hello from the browser test')
    await page.getByRole('button', { name: 'Start session' }).click()
    await page.waitForURL(/\/sessions\/[0-9a-f-]{36}$/)
    const sessionId = new URL(page.url()).pathname.split('/')[2] ?? ''

    // The first message goes out once the agent is ready; its echo streams into the chat.
    const agent = page.locator('.message.agent .bubble')
    await agent.filter({ hasText: 'Echo: Hello from the browser test' }).waitFor()
    // Every text an agent bubble is rendered with, to see the reply grow rather than appear.
    await page.evaluate(() => {
      const seen: string[] = []
      Object.assign(window, { agentTexts: seen })
      new MutationObserver((records) => {
        for (const node of records.flatMap((r) => [r.target, ...r.addedNodes])) {
          const element = node instanceof Element ? node : node.parentElement
          const bubble = element?.closest('.message.agent')?.querySelector('.bubble')
          if (bubble?.textContent) seen.push(bubble.textContent)
        }
      }).observe(document.querySelector('.messages') as Node, { childList: true, subtree: true })
    })
    const reply = 'Echo: Stream this reply back to me, please'
    await page.getByPlaceholder(/Message the agent/).fill('Stream this reply back to me, please')
    await page.getByRole('button', { name: 'Send' }).click()
    await agent.filter({ hasText: reply }).waitFor()
    const texts = await page.evaluate(
      () => (window as unknown as { agentTexts: string[] }).agentTexts,
    )
    const growing = texts.filter((text) => text !== reply && reply.startsWith(text))
    expect(growing.length).toBeGreaterThan(0)
    await page.getByText('The agent is ready for your message.').waitFor()
    const row = page.locator('.session.selected')
    await row.locator('.status-active').waitFor()
    expect(await row.locator('.tags').textContent()).toBe('team=demopurpose=e2e')
    await saveScreenshot(page)

    await page.getByRole('button', { name: 'Stop session' }).click()
    await page.getByText('Session stopped.', { exact: false }).first().waitFor()
    await page
      .locator('.session', { hasText: sessionId.slice(0, 8) })
      .locator('.status-stopped')
      .waitFor()
    const stopped = await fetch(`${demo.stack.proxyUrl}/sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect((await stopped.json()).status).toBe('stopped')

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('Signed out. The proxy has revoked your token.').waitFor()
    await page.getByRole('button', { name: 'Sign in with GitHub' }).waitFor()
    expect(await storedSignIn(page)).toBeNull()

    // The old token is refused everywhere: through the app's origin and at the proxy itself.
    const throughApp = await page.evaluate(async (bearer) => {
      const res = await fetch('/api/auth/status', {
        headers: { authorization: `Bearer ${bearer}` },
      })
      return res.status
    }, token)
    expect(throughApp).toBe(401)
    const direct = await fetch(`${demo.stack.proxyUrl}/search`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(direct.status).toBe(401)
    expect(errors).toEqual([])
  }, 60_000)

  it("shows a session started in one browser in another's list as it happens, without polling", async () => {
    const first = await demo.open()
    await demo.signIn(first.page, 'alice')
    await first.page.locator('.who-am-i .user-name', { hasText: 'Alice Admin' }).waitFor()
    const second = await demo.open()
    const listed = second.page.waitForResponse(
      (response) => new URL(response.url()).pathname.startsWith('/api/search'),
      { timeout: 20_000 },
    )
    await demo.signIn(second.page, 'alice')
    await second.page.locator('.who-am-i .user-name', { hasText: 'Alice Admin' }).waitFor()
    await listed
    // From here on the second browser neither reloads nor asks for the list again.
    let loads = 0
    let searches = 0
    second.page.on('load', () => loads++)
    second.page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/search')) searches++
    })

    await first.page.getByLabel('Tags').fill('seen=live')
    await first.page.getByRole('button', { name: 'Start session' }).click()
    await first.page.waitForURL(/\/sessions\/[0-9a-f-]{36}$/)
    const sessionId = new URL(first.page.url()).pathname.split('/')[2] ?? ''
    const row = second.page.locator('.session', { hasText: sessionId.slice(0, 8) })
    await row.waitFor()
    await row.locator('.status-active').waitFor()
    expect(await row.locator('.tags').textContent()).toBe('seen=live')

    await first.page.getByRole('button', { name: 'Stop session' }).click()
    await row.locator('.status-stopped').waitFor()
    expect({ loads, searches }).toEqual({ loads: 0, searches: 0 })
    expect([...first.errors, ...second.errors]).toEqual([])
  }, 60_000)

  it('says so when the person cancels on GitHub, and signs in as someone else after', async () => {
    const { page, errors } = await demo.open()
    await page.getByRole('button', { name: 'Sign in with GitHub' }).click()
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page
      .getByRole('alert')
      .filter({ hasText: 'Not signed in: you cancelled on GitHub.' })
      .waitFor()
    expect(new URL(page.url()).pathname).toBe('/')

    await demo.signIn(page, 'carol')
    await page.locator('.who-am-i .user-name', { hasText: 'carol' }).waitFor()
    expect(await page.locator('.who-am-i .pill.role').textContent()).toBe('member')
    expect(errors).toEqual([])
  })
})

async function saveScreenshot(page: Page): Promise<void> {
  mkdirSync(dirname(ARTIFACT), { recursive: true })
  await page.screenshot({ path: ARTIFACT })
  if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(README_SCREENSHOT)) {
    copyFileSync(ARTIFACT, README_SCREENSHOT)
  }
}
