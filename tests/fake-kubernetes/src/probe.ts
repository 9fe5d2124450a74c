import { request } from 'node:http'
import { connect } from 'node:net'
import type { ContainerSpec } from './pod-spec.ts'

/**
 * One readiness check of the container at `podIP`, as the kubelet does it: an `httpGet` probe
 * passes on a status from 200 to 399, a `tcpSocket` probe when the port accepts. Without a probe
 * the first declared container port must accept (a container without ports is ready at once).
 */
export function probeOnce(container: ContainerSpec, podIP: string): Promise<boolean> {
  const probe = container.readinessProbe
  if (probe?.httpGet) {
    const { httpGet } = probe
    const headers = Object.fromEntries((httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]))
    return new Promise((resolve) => {
      const req = request(
        {
          host: httpGet.host ?? podIP,
          port: portNumber(container, httpGet.port),
          path: httpGet.path ?? '/',
          headers,
          timeout: 1_000,
        },
        (res) => {
          res.resume()
          const code = res.statusCode ?? 0
          resolve(code >= 200 && code < 400)
        },
      )
      req.on('error', () => resolve(false))
      req.on('timeout', () => req.destroy())
      req.end()
    })
  }
  const port = probe?.tcpSocket
    ? portNumber(container, probe.tcpSocket.port)
    : container.ports?.[0]?.containerPort
  if (port === undefined) return Promise.resolve(true)
  return new Promise((resolve) => {
    const socket = connect({ host: probe?.tcpSocket?.host ?? podIP, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

// A probe may name a port declared on the container instead of giving its number.
function portNumber(container: ContainerSpec, port: number | string): number {
  if (typeof port === 'number') return port
  const named = container.ports?.find((entry) => entry.name === port)
  return named?.containerPort ?? Number(port)
}
