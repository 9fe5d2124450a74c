import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { startFakeGitHub } from './server.ts'

const CHROMIUM = '/usr/bin/chromium'

describe('fake GitHub authorize page in a real browser', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    'picks a user, clicks Authorize and lands on the redirect_uri with code and state',
    async () => {
      // The "app": a page that shows what came back, as a real callback would receive it.
      const app = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.end(`callback ${req.url}`)
      })
      await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
      const callback = `http://127.0.0.1:${(app.address() as AddressInfo).port}/callback`
      await using github = await startFakeGitHub({
        users: [
          { id: 1, login: 'octocat' },
          { id: 2, login: 'hubot' },
        ],
        apps: [{ client_id: 'browser-app', client_secret: 's', callback_url: callback }],
      })
      const browser = await chromium.launch({ executablePath: CHROMIUM })
      try {
        const page = await browser.newPage()
        const query = new URLSearchParams({ client_id: 'browser-app', state: 'abc 123' })
        await page.goto(`${github.url}/login/oauth/authorize?${query}`)
        await page.selectOption('#login', 'hubot')
        await page.getByRole('button', { name: /Authorize/ }).click()
        await page.waitForURL((url) => url.pathname === '/callback')
        const landed = new URL(page.url())
        expect(landed.searchParams.get('state')).toBe('abc 123')
        const code = landed.searchParams.get('code') ?? ''
        expect(github.world.code(code)?.login).toBe('hubot')
      } finally {
        await browser.close()
        app.close()
      }
    },
  )
})
