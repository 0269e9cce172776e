/**
 * Serves the demo dapp (public/) on 127.0.0.1, and the built SDK (dist/lib) under /lib,
 * where the demo imports `connect()` from; port 0 picks a free one.
 */
import { createServer, type Server } from 'node:http'
import { resolve } from 'node:path'
import sirv from 'sirv'

export const PUBLIC_DIR = resolve(import.meta.dirname, '../public')
export const LIB_DIR = resolve(import.meta.dirname, '../dist/lib')

export interface StaticServer {
  url: string
  close(): Promise<void>
}

export async function serveDemo(port = 0, dir = PUBLIC_DIR): Promise<StaticServer> {
  const handler = sirv(dir, { dev: true, etag: false })
  const lib = sirv(LIB_DIR, { dev: true, etag: false })
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/lib/')) {
      req.url = req.url.slice('/lib'.length)
      return lib(req, res)
    }
    return handler(req, res)
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(port, '127.0.0.1', done)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
