/**
 * The relay's HTTP side: `/healthz` for load balancers and orchestrators, `/metrics` for
 * Prometheus. Plain node:http: two routes do not need a framework.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HttpEndpointsInit {
  host: string
  port: number
  /** Whether the relay is serving; `/healthz` answers 503 when it is not. */
  healthy: () => boolean
  metrics: () => Promise<string>
  metricsContentType: string
}

export async function startHttpEndpoints(
  init: HttpEndpointsInit,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://relay').pathname
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end()
    } else if (path === '/healthz') {
      const ok = init.healthy()
      response
        .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ok ? 'ok\n' : 'stopping\n')
    } else if (path === '/metrics') {
      init.metrics().then(
        (text) => response.writeHead(200, { 'content-type': init.metricsContentType }).end(text),
        () => response.writeHead(500).end(),
      )
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('try /healthz or /metrics\n')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port, init.host, () => resolve())
  })
  const { address, port } = server.address() as AddressInfo
  return { server, url: `http://${address}:${port}` }
}
