// agentapi's default --allowed-hosts; any other name is presented as localhost, which the
// default list accepts too.
const AGENTAPI_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * The `Host` header agentapi's default Host check accepts for an agent at `url`: its own when
 * that is a loopback name, else `localhost` with the port. An agent on a pod IP, a Service
 * address or another replica's host would otherwise answer 400 to every request.
 *
 * @example
 * agentapiHost(new URL('http://10.0.3.7:3284')) // 'localhost:3284'
 */
export function agentapiHost(url: URL): string {
  const port = url.port ? `:${url.port}` : ''
  const name = AGENTAPI_HOSTS.has(url.hostname) ? url.hostname : 'localhost'
  return `${name}${port}`
}
