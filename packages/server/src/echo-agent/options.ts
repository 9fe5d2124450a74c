/**
 * The echo agent's options. Those agentapi has keep agentapi's flag and `AGENTAPI_*` names (see
 * command-line.ts); timings and behaviour agentapi does not have use names of their own
 * (`--echo-*`, `ECHO_AGENT_*`) so they can never clash with a future agentapi flag:
 *
 * | flag | variable | default | meaning |
 * |---|---|---|---|
 * | `--echo-delay-ms` | `ECHO_AGENT_DELAY_MS` | 500 | the default length of every phase below |
 * | `--echo-startup-ms` | `ECHO_AGENT_STARTUP_MS` | delay | start → ready (`stable`) |
 * | `--echo-ack-ms` | `ECHO_AGENT_ACK_MS` | delay | user message → agent starts (`POST /message` answers) |
 * | `--echo-chunk-ms` | `ECHO_AGENT_CHUNK_MS` | delay | between two updates of a streaming reply |
 * | `--echo-settle-ms` | `ECHO_AGENT_SETTLE_MS` | delay | last reply update → `stable` |
 * | `--echo-chunks` | `ECHO_AGENT_CHUNKS` | 3 | updates per reply, the first being `Echo: ` |
 * | `--echo-greeting` | `ECHO_AGENT_GREETING` | agentapi's e2e greeting | agent message #0 |
 * | `--echo-never-ready` | `ECHO_AGENT_NEVER_READY` | false | stay `running` forever, like an agent whose prompt agentapi never detects |
 *
 * Tests set `ECHO_AGENT_DELAY_MS=20` (or pass `delayMs: 20`); demos keep the default.
 */

/** A `log/slog`-style record: agentapi logs `msg="Starting server on port" port=3284`. */
export type EchoAgentLog = (
  level: 'INFO' | 'ERROR',
  message: string,
  attributes?: Readonly<Record<string, string | number>>,
) => void

/** Everything the echo agent can be told; every field is optional. */
export interface EchoAgentOptions {
  /** `--port`: 3284 by default; 0 picks a free port (the real one is returned). */
  port?: number
  /** Address to listen on (`AGENTAPI_PROXY_AGENT_HOST`); every interface, like agentapi, if unset. */
  host?: string
  /** When set, every request must carry it in `X-Agentapi-Proxy-Secret` (else 401). */
  secret?: string
  /** `--type`: an agentapi agent type or alias; empty guesses it from `agentCommand[0]`. */
  type?: string
  /** The command after `--` (`['claude']`); only its first word matters, to guess the type. */
  agentCommand?: readonly string[]
  /** `--chat-base-path`: where `GET /` redirects to (`<path>/embed`). */
  chatBasePath?: string
  /** `--allowed-hosts`: Host-header allow-list, `['*']` for any. */
  allowedHosts?: readonly string[]
  /** `--allowed-origins`: CORS origins, `['*']` for any. */
  allowedOrigins?: readonly string[]
  /** `--initial-prompt`: sent as the first user message once the agent is ready. */
  initialPrompt?: string
  /** `--term-width`: agent messages are hard-wrapped at this width (≥ 10). */
  termWidth?: number
  /** `--term-height`: accepted and checked (≥ 10), as agentapi does. */
  termHeight?: number
  /** The agent's startup message (#0). */
  greeting?: string
  /** Default length of every phase, in ms. */
  delayMs?: number
  startupMs?: number
  ackMs?: number
  chunkIntervalMs?: number
  settleMs?: number
  /** How many `message_update` events a reply takes. */
  chunks?: number
  /** Never become ready: every user message is refused as agentapi refuses it while running. */
  neverReady?: boolean
  /** Receives agentapi's log records; silent when absent. */
  log?: EchoAgentLog
}
