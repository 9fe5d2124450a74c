import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'

const SCRIPT_PATH = '/docs/scalar.js'

/**
 * `/openapi.json` and `/docs`. The API reference page loads Scalar's browser bundle from this
 * server (not a CDN), asks for no web fonts and turns off the hosted AI agent, so it renders
 * and stays quiet on a machine with no internet.
 */
export function registerDocsRoutes(app: OpenAPIHono, document: object) {
  app.openapi(routes.openapi, (c) => c.json(document as Record<string, never>, 200))
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      cdn: SCRIPT_PATH,
      pageTitle: 'agentapi-proxy API reference',
      withDefaultFonts: false,
      hideClientButton: true,
      showDeveloperTools: 'never',
      // The "Ask AI" agent calls Scalar's hosted service; an offline, self-hosted page has no use for it.
      agent: { disabled: true },
    }),
  )
  let script: string | undefined
  app.get(SCRIPT_PATH, (c) => {
    script ??= readFileSync(scalarBundlePath(), 'utf8')
    return c.body(script, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=86400',
    })
  })
}

function scalarBundlePath(): string {
  return createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js')
}
