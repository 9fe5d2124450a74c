import { describe, expect, it } from 'vitest'
import { chromiumAvailable } from '../../../packages/server/test/browser.ts'
import { signedInToken, storedSignIn, useDemoBrowser } from './demo-browser.ts'

describe.runIf(chromiumAvailable())('a share link in the OAuth demo', () => {
  const demo = useDemoBrowser({ width: 1100, height: 700 })

  it('opened signed out, shows the chat live and read-only until the link is revoked', async () => {
    const { page: owner, errors } = await demo.open()
    await demo.signIn(owner, 'alice')
    await owner.getByLabel('First message').fill('Before the link')
    await owner.getByRole('button', { name: 'Start session' }).click()
    await owner.waitForURL(/\/sessions\/[0-9a-f-]{36}$/)
    const sessionId = new URL(owner.url()).pathname.split('/')[2] ?? ''
    await owner.locator('.message.agent .bubble', { hasText: 'Echo: Before the link' }).waitFor()

    await owner.getByRole('button', { name: 'Copy share link' }).click()
    const field = owner.getByLabel('Share link')
    await owner.locator('.share-note', { hasText: 'read-only' }).waitFor()
    const link = await field.inputValue()
    expect(link).toMatch(new RegExp(`^${demo.stack.appUrl.replace(/\/$/, '')}/shared#aas_`))

    const { page: viewer, errors: viewerErrors } = await demo.open(link)
    await viewer.getByRole('heading', { name: 'Shared session' }).waitFor()
    await viewer.locator('.message.agent .bubble', { hasText: 'Echo: Before the link' }).waitFor()
    expect(await viewer.locator('textarea, form, button').count()).toBe(0)
    expect(await storedSignIn(viewer)).toBeNull()

    // The owner types; the viewer sees it arrive without reloading.
    await owner.getByText('The agent is ready for your message.').waitFor()
    await owner.getByPlaceholder(/Message the agent/).fill('Said while watched')
    await owner.getByRole('button', { name: 'Send' }).click()
    await viewer.locator('.message.user .bubble', { hasText: 'Said while watched' }).waitFor()
    await viewer
      .locator('.message.agent .bubble', { hasText: 'Echo: Said while watched' })
      .waitFor()

    // The owner sees the viewer, then revokes every link: the viewer's page says so.
    const token = await signedInToken(owner)
    const auth = { authorization: `Bearer ${token}` }
    const listed = await fetch(`${demo.stack.proxyUrl}/sessions/${sessionId}/share`, {
      headers: auth,
    })
    expect((await listed.json()).shares[0].viewers).toBe(1)
    const revoked = await fetch(`${demo.stack.proxyUrl}/sessions/${sessionId}/share`, {
      method: 'DELETE',
      headers: auth,
    })
    expect(revoked.status).toBe(200)
    await viewer.getByText('This link was revoked, or never existed.').waitFor()
    expect(errors).toEqual([])
    expect(viewerErrors).toEqual([])
  }, 60_000)
})
