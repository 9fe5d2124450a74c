import type { OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from '../errors.ts'

const SESSION_PATH =
  '/:sessionId{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}/*'

/** Until the forwarder is wired, session paths answer 501 from the contract, never 404. */
export function registerUnbuiltRoutes(app: OpenAPIHono) {
  app.all(SESSION_PATH, () => {
    throw new AppError(
      'not_implemented',
      'The session proxy is not implemented in this version yet',
    )
  })
}
