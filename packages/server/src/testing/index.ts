export { eventually } from './eventually.ts'
export type { TestServer } from './test-server.ts'
export { startTestServer } from './test-server.ts'
