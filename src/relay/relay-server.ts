/**
 * The Ghost Threads relay: lets browsers find each other, carries room traffic through its
 * gossipsub hub until they connect over WebRTC, and stores nothing but its own key.
 *
 * @example
 * const relay = await startRelay({ port: 4040, keyFile: './relay.key' })
 * console.log(relay.addresses[0]) // give this to peers
 * await relay.stop()
 */
import type { Server } from 'node:http'
import { ReceiptRules } from '../core/receipt-rules.js'
import { createRelayNode, type RelayNode } from '../net/create-relay-node.js'
import { Libp2pTransport } from '../net/libp2p-transport.js'
import { RelayKeeper } from '../net/relay-keeper.js'
import { startHttpEndpoints } from './http-endpoints.js'
import { loadOrCreatePeerKey } from './peer-key.js'
import { RelayMetrics } from './relay-metrics.js'
import { RoomMirror } from './room-mirror.js'

export interface RelayInit {
  /** Interface to listen on; loopback unless the operator opens it up. */
  host?: string
  /** WebSockets port (0 picks a free one). */
  port?: number
  /** HTTP port for /healthz and /metrics (0 picks a free one; -1 turns them off). */
  httpPort?: number
  keyFile: string
  /** Other relays to mesh with (multiaddrs ending in `/p2p/<id>`). */
  peers?: string[]
  /** Public addresses to advertise, e.g. behind a TLS proxy. */
  announce?: string[]
}

export interface Relay {
  node: RelayNode
  peerId: string
  /** Where peers dial this relay. */
  addresses: string[]
  httpUrl: string | undefined
  metrics: RelayMetrics
  mirror: RoomMirror
  stop(): Promise<void>
}

export const DEFAULT_RELAY_PORT = 4040
export const DEFAULT_HTTP_PORT = 4041

export async function startRelay(init: RelayInit): Promise<Relay> {
  const host = init.host ?? '127.0.0.1'
  const { key } = await loadOrCreatePeerKey(init.keyFile)
  const node = await createRelayNode({
    privateKey: key,
    listen: [`/ip4/${host}/tcp/${init.port ?? DEFAULT_RELAY_PORT}/ws`],
    ...(init.announce === undefined ? {} : { announce: init.announce }),
  })
  const metrics = new RelayMetrics()
  const rules = new ReceiptRules({
    onVerdict: (verdict, reason) => metrics.messages.inc({ verdict, reason: reason ?? 'ok' }),
  })
  const transport = new Libp2pTransport(node)
  const mirror = new RoomMirror({
    node,
    transport,
    rules,
    onMessage: (bytes) => metrics.bytes.inc(bytes),
    onRoomsChanged: (rooms) => metrics.rooms.set(rooms),
  })
  mirror.start()
  const countPeers = (): void => {
    metrics.peers.set(node.getPeers().length)
    metrics.reservations.set(node.services.relay.reservations.size)
  }
  node.addEventListener('peer:connect', countPeers)
  node.addEventListener('peer:disconnect', countPeers)
  const keeper = new RelayKeeper(node, { relays: init.peers ?? [] })
  keeper.start()

  let serving = true
  let http: { server: Server; url: string } | undefined
  if ((init.httpPort ?? DEFAULT_HTTP_PORT) >= 0) {
    http = await startHttpEndpoints({
      host,
      port: init.httpPort ?? DEFAULT_HTTP_PORT,
      healthy: () => serving && node.status === 'started',
      metrics: async () => {
        countPeers()
        return metrics.text()
      },
      metricsContentType: metrics.registry.contentType,
    })
  }
  return {
    node,
    peerId: node.peerId.toString(),
    addresses: node.getMultiaddrs().map((address) => address.toString()),
    httpUrl: http?.url,
    metrics,
    mirror,
    async stop() {
      serving = false
      keeper.stop()
      await node.stop()
      if (http !== undefined) await new Promise((resolve) => http?.server.close(resolve))
    },
  }
}
