// Regenerates docs/openapi.json from the shared schemas: `pnpm openapi`.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { OPENAPI_DOCUMENT_PATH, serializeOpenApiDocument } from '../src/routes/committed.ts'
import { buildOpenApiDocument } from '../src/routes/index.ts'

const target = fileURLToPath(OPENAPI_DOCUMENT_PATH)
writeFileSync(target, serializeOpenApiDocument(buildOpenApiDocument()))
console.log(`wrote ${target}`)
