import { ApiError } from '@agentapi-proxy/client'
import { explainFailure } from '../api-failure.ts'
import { type ConnectionOptions, connect } from '../connection.ts'
import { printJson } from '../output.ts'
import { VERSION } from '../version.ts'

/**
 * Flags of `agentapi-proxy openapi`.
 *
 * @example
 * const options: OpenApiOptions = { local: true }
 */
export interface OpenApiOptions extends ConnectionOptions {
  /** Print the document this CLI was built with, without asking a server. */
  local?: boolean | undefined
}

/**
 * Prints the OpenAPI document of the server (`GET /openapi.json`), or with `local` the one
 * generated from the contract this CLI ships.
 *
 * @example
 * await openApiCommand({ url: 'http://127.0.0.1:8080' })
 */
export async function openApiCommand(options: OpenApiOptions): Promise<void> {
  if (options.local) {
    // Loaded only here: generating the document pulls in zod-openapi and Hono.
    const { buildOpenApiDocument } = await import('@agentapi-proxy/shared/routes')
    return printJson(buildOpenApiDocument({ version: VERSION }))
  }
  const { url, apiKey, token } = connect(options)
  const headers = new Headers({ accept: 'application/json' })
  if (apiKey) headers.set('X-API-Key', apiKey)
  if (token) headers.set('Authorization', `Bearer ${token}`)
  try {
    const response = await fetch(`${url}/openapi.json`, { headers })
    if (!response.ok) throw await ApiError.fromResponse(response, 'GET', '/openapi.json')
    printJson(await response.json())
  } catch (error) {
    throw explainFailure(error, { url })
  }
}
