import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp } from '../../test/app-fixture.ts'
import { chromiumAvailable, launchChromium } from '../../test/browser.ts'
import { useSessionServices } from '../../test/sessions-fixture.ts'

describe('/docs', () => {
  const { service } = useSessionServices()()
  let server: ReturnType<typeof createAdaptorServer>
  let base = ''

  beforeAll(async () => {
    const { app } = await buildTestApp({ sessions: service })
    server = createAdaptorServer({ fetch: app.fetch })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('loads its script from this server, never from a CDN', async () => {
    const html = await (await fetch(`${base}/docs`)).text()
    const sources = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1])
    expect(sources).toEqual(['/docs/scalar.js'])
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/)
    const script = await fetch(`${base}/docs/scalar.js`)
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toContain('javascript')
    expect((await script.text()).length).toBeGreaterThan(100_000)
  })

  it.runIf(chromiumAvailable())(
    'renders the API reference in a browser with the network cut off',
    async () => {
      const browser = await launchChromium()
      try {
        const page = await browser.newPage()
        const offsite: string[] = []
        // Cut the network: only this server answers; everything else fails like an offline machine.
        await page.route('**/*', (route) => {
          const url = route.request().url()
          if (url.startsWith(base) || url.startsWith('data:')) return route.continue()
          offsite.push(url)
          return route.abort('internetdisconnected')
        })
        await page.goto(`${base}/docs`)
        await page.getByText('Start a session', { exact: true }).first().waitFor()
        // agentapi's own routes on the proxy path, each under its own short name.
        // Scalar renders a tag's operations once it is opened in the sidebar.
        await page.getByText('Agent', { exact: true }).first().click()
        for (const name of ['Send a message', 'Follow the conversation', 'Upload a file']) {
          await page.getByText(name, { exact: true }).first().waitFor({ state: 'attached' })
        }
        // Each error tab shows that error: a 404 of "Get a session" is session_not_found, not
        // the 422 every tab once showed.
        const getSession = page.locator('[id$="tag/sessions/GET/sessions/{sessionId}"]').first()
        await getSession.scrollIntoViewIfNeeded()
        const examples = getSession.locator('[aria-label="Example Responses"]')
        await examples.getByRole('tab', { name: 'Status: 404' }).click()
        const shown = examples.locator('pre').first()
        await shown.filter({ hasText: 'session_not_found' }).waitFor()
        const notFound = JSON.parse((await shown.textContent()) ?? '')
        expect(notFound).toMatchObject({ status: 404, code: 'session_not_found' })
        await examples.getByRole('tab', { name: 'Status: 422' }).click()
        await shown.filter({ hasText: 'invalid_request' }).waitFor()
        expect(JSON.parse((await shown.textContent()) ?? '')).toMatchObject({ status: 422 })
        expect(await page.title()).toBe('agentapi-proxy API reference')
        await page.locator('h1', { hasText: 'agentapi-proxy' }).waitFor({ state: 'visible' })
        expect(offsite).toEqual([])
      } finally {
        await browser.close()
      }
    },
    60_000,
  )
})
