// `pnpm --filter @agentapi-proxy/fake-github start`: a fake GitHub with the demo world, until
// Ctrl-C. It prints what a proxy config needs to point at it.
import { demoWorld } from './demo.ts'
import { startFakeGitHub } from './server.ts'

const world = demoWorld()
const github = await startFakeGitHub(world)
const app = world.apps?.[0]
const lines = [
  `fake GitHub listening on ${github.url}`,
  `  auth.github.base_url:        ${github.url}   (or ${github.enterpriseApiUrl}, GHES layout)`,
  `  auth.github.oauth.base_url:  ${github.url}`,
  `  auth.github.oauth.client_id: ${app?.client_id}`,
  `  users: ${world.users?.map((user) => user.login).join(', ')} (personal tokens in src/demo.ts)`,
]
process.stdout.write(`${lines.join('\n')}\n`)

const stop = () => {
  github.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
