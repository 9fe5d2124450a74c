import { eventually, startTestServer, type TestServer } from '@agentapi-proxy/server/testing'

/** A real agentapi-proxy on port 0 whose sessions run the built-in echo agent. */
export type TestProxy = TestServer

/**
 * Starts the real server from a real config file in a temp dir, as the CLI would; `extra`
 * adds top-level sections (such as `auth`) to that file.
 *
 * @example
 * const proxy = await startProxy()
 * afterAll(() => proxy.close())
 */
export const startProxy: (extra?: Record<string, unknown>) => Promise<TestProxy> = startTestServer

/**
 * A fetch that can cut every open `/events` response, as a flaky network or a restarting
 * load balancer would: the client sees its stream fail mid-body.
 *
 * @example
 * const transport = droppableEventStreams()
 * const client = createClient({ baseUrl, fetch: transport.fetch })
 * transport.dropEventStreams()
 */
export function droppableEventStreams() {
  const open = new Set<AbortController>()
  let opened = 0
  return {
    fetch: (input: Request, init?: RequestInit): Promise<Response> => {
      if (!new URL(input.url).pathname.endsWith('/events')) return fetch(input, init)
      const controller = new AbortController()
      open.add(controller)
      opened += 1
      const signal = AbortSignal.any([input.signal, controller.signal])
      return fetch(new Request(input, { signal }), init)
    },
    /** Aborts every event stream opened so far; returns how many. */
    dropEventStreams(): number {
      const count = open.size
      for (const controller of open) controller.abort(new Error('dropped by the test'))
      open.clear()
      return count
    },
    /** How many event streams were opened (reconnections included). */
    get opened() {
      return opened
    },
  }
}

export { eventually }
