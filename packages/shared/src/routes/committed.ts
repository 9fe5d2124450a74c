/** Where the committed copy of the OpenAPI document lives in the repository. */
export const OPENAPI_DOCUMENT_PATH = new URL('../../../../docs/openapi.json', import.meta.url)

/** The committed file's exact bytes: two-space JSON and a final newline. */
export function serializeOpenApiDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`
}
