import { fileURLToPath } from 'node:url'

// The scripts ship beside the code: src/provisioners/scripts in the repository, dist/scripts in
// the published package (tsdown copies them), so the same relative URL finds them in both.
const SCRIPTS = new URL('./scripts/', import.meta.url)

/** The embedded script that starts an agent as it is. */
export const DEFAULT_SCRIPT = fileURLToPath(new URL('agentapi_default.sh', SCRIPTS))

/** The embedded script that clones `repository` into the workdir, then starts the agent. */
export const GITHUB_SCRIPT = fileURLToPath(new URL('agentapi_with_github.sh', SCRIPTS))

/** The writer that keeps each agent's log under `session.log_max_bytes` as the agent writes. */
export const LOG_WRITER = fileURLToPath(new URL('log-writer.mjs', SCRIPTS))
