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
import type { PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { BACKLOG_PROTOCOL, PRIVATE_BACKLOG_PROTOCOL } from '../core/constants.js'
import { ReceiptRules } from '../core/receipt-rules.js'
import { encodeUtf8 } from '../core/utf8.js'
import {
  MAX_RESERVATIONS_PER_IP,
  MAX_ROOMS_PER_CONNECTION,
  PEER_PENALTY,
  RELAY_SEEN_JTI_CAPACITY,
  RELAYS_PROTOCOL,
} from '../net/constants.js'
import { createRelayNode, type RelayNode } from '../net/create-relay-node.js'
import { watchGossipStreams } from '../net/gossip-stream-watch.js'
import { Libp2pTransport } from '../net/libp2p-transport.js'
import { PeerPenalties } from '../net/peer-penalties.js'
import { announceOnlyToMembers } from '../net/relay-announcements.js'
import { meshedRelayAddresses } from '../net/relay-directory.js'
import { peerOf, RelayKeeper } from '../net/relay-keeper.js'
import { silentLogger } from '../net/silent-logger.js'
import { DEFAULT_HTTP_PORT, DEFAULT_RELAY_PORT } from './constants.js'
import type { CrowdThresholds } from './crowd-rooms.js'
import { startHttpEndpoints } from './http-endpoints.js'
import { lockKeyFile, RelayConfigError } from './key-lock.js'
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
  /** Interface of /healthz and /metrics (default 127.0.0.1, whatever `host` is). */
  httpHost?: string
  keyFile: string
  /** Other relays to mesh with (multiaddrs ending in `/p2p/<id>`). */
  peers?: string[]
  /** Public addresses to advertise, e.g. behind a TLS proxy. */
  announce?: string[]
  /** Circuit reservations from one IP address (default MAX_RESERVATIONS_PER_IP). */
  maxReservationsPerIp?: number
  /** Rooms one client connection may have this relay mirror (default MAX_ROOMS_PER_CONNECTION). */
  maxRoomsPerConnection?: number
  /** After starting, how long rooms are not vouched for as complete (default RELAY_HISTORY_WARMUP_MS). */
  historyWarmupMs?: number
  /** When a room becomes a crowd and what its answers list (default crowd-rooms.ts DEFAULT_CROWD). */
  crowd?: Partial<CrowdThresholds>
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

export async function startRelay(init: RelayInit): Promise<Relay> {
  const host = init.host ?? '127.0.0.1'
  // Two relays on one key are one peer id: meshing them silently does nothing.
  const unlockKey = await lockKeyFile(init.keyFile)
  const { key } = await loadOrCreatePeerKey(init.keyFile).catch(async (err: unknown) => {
    await unlockKey()
    throw err
  })
  const ownId = key.publicKey.toString()
  const self = (init.peers ?? []).find((peer) => peerOf(multiaddr(peer)) === ownId)
  if (self !== undefined) {
    await unlockKey()
    throw new RelayConfigError(
      `--peer ${self} is this relay itself (same key, ${init.keyFile}): give each relay its own --key-file and mesh with the other's address`,
    )
  }
  const maxPerIp = init.maxReservationsPerIp ?? MAX_RESERVATIONS_PER_IP
  const metrics = new RelayMetrics()
  // The gater is made before the node it asks about.
  const started: { node?: RelayNode } = {}
  const penalties = new PeerPenalties()
  const node = await createRelayNode({
    privateKey: key,
    penalties,
    // libp2p's loggers cost even when off; an operator who sets DEBUG gets them back.
    ...(process.env.DEBUG === undefined ? { logger: silentLogger } : {}),
    listen: [`/ip4/${host}/tcp/${init.port ?? DEFAULT_RELAY_PORT}/ws`],
    ...(init.announce === undefined ? {} : { announce: init.announce }),
    denyReservation: (peer) => {
      const denied =
        started.node !== undefined && reservationsFromAddressOf(started.node, peer) >= maxPerIp
      if (denied) metrics.refused.inc({ why: 'reservations-per-ip' })
      return denied
    },
  }).catch(async (err: unknown) => {
    await unlockKey()
    throw err
  })
  started.node = node
  const rules = new ReceiptRules({
    seenCapacity: RELAY_SEEN_JTI_CAPACITY,
    onVerdict: (verdict, reason) => metrics.messages.inc({ verdict, reason: reason ?? 'ok' }),
  })
  // Only the relays the operator listed are spared the per-peer limit: any client can say
  // it is a relay (identify), and would then flood unlimited. Everyone else is a client,
  // held to the limit here, so members need not limit what this relay forwards.
  const listedRelays = new Set((init.peers ?? []).flatMap((peer) => peerOf(multiaddr(peer)) ?? []))
  const transport = new Libp2pTransport(node, {
    isRelay: (peer) => listedRelays.has(peer),
    penalties,
  })
  // The mirror knows which peers identified as relays; the announcer asks it (set below).
  const relays: { mirror?: RoomMirror } = {}
  const isRelay = (peer: string) => relays.mirror?.isRelay(peer) ?? false
  metrics.penalizedPeersOf = (standing) =>
    penalties.countBelow(standing === 'pruned' ? 0 : PEER_PENALTY.thresholds.graylistThreshold)
  const announcer = announceOnlyToMembers(node.services.pubsub, isRelay)
  const mirror = new RoomMirror({
    node,
    transport,
    rules,
    announcer,
    maxRoomsPerConnection: init.maxRoomsPerConnection ?? MAX_ROOMS_PER_CONNECTION,
    onMessage: (bytes, from) => metrics.bytes.inc({ from }, bytes),
    onEnvelope: (verdict, reason) => metrics.messages.inc({ verdict, reason }),
    onRoomsChanged: (rooms) => metrics.rooms.set(rooms),
    onRoomCapHit: () => metrics.refused.inc({ why: 'rooms-per-connection' }),
    onAnswerRefused: () => metrics.refused.inc({ why: 'backlog-answers' }),
    onAnswered: (question) => metrics.backlogAnswers.inc({ question }),
    ...(init.historyWarmupMs === undefined ? {} : { historyWarmupMs: init.historyWarmupMs }),
    ...(init.crowd === undefined ? {} : { crowd: init.crowd }),
    onCrowdChanged: () => metrics.crowdRooms.set(mirror.crowds.crowds),
  })
  relays.mirror = mirror
  metrics.heldPostBytesOf = () => mirror.heldPostBytes
  metrics.heldRosterBytesOf = () => mirror.heldRosterBytes
  mirror.start()
  // Newcomers ask their relay who is in a room and what it said lately (room-mirror.ts).
  // What answers cost in bytes is what a crowd's joins cost the relay (issue 26).
  const sent = (room: 'public' | 'private', answer: unknown): Uint8Array => {
    const bytes = encodeUtf8(JSON.stringify(answer))
    metrics.backlogAnswerBytes.inc({ room }, bytes.length)
    return bytes
  }
  transport.handle(BACKLOG_PROTOCOL, async (data, from) =>
    sent('public', await mirror.answerBacklog(data, from)),
  )
  // A private room's newcomers ask for the envelopes kept, which the relay cannot read.
  transport.handle(PRIVATE_BACKLOG_PROTOCOL, async (data, from) =>
    sent('private', await mirror.answerPrivateBacklog(data, from)),
  )
  // Peers ask where the relays we are meshed with are (relay-directory.ts).
  transport.handle(RELAYS_PROTOCOL, async () =>
    encodeUtf8(JSON.stringify(await meshedRelayAddresses(node, mirror.relayPeers()))),
  )
  // Counted when /metrics is read, not on each connect and disconnect: `getPeers()` parses
  // every connected peer's id again, and called per event it was 12.6% of the relay's CPU
  // while 600 members joined (the whole arrival cost N²).
  const countPeers = (): void => {
    const peers = new Set(node.getConnections().map((c) => c.remotePeer.toString()))
    metrics.peers.set(peers.size)
    metrics.reservations.set(node.services.relay.reservations.size)
  }
  // libp2p keeps a reservation for its whole ttl after the connection closed: 2,048
  // throw-away peer ids filled the store and later browsers could not be reached.
  node.addEventListener('peer:disconnect', (event) => {
    const reservation = node.services.relay.reservations.get(event.detail)
    if (reservation !== undefined) {
      ;(reservation.signal as { clear?: () => void }).clear?.()
      node.services.relay.reservations.delete(event.detail)
    }
  })
  // A member whose gossip stream died hears nothing until it reconnects: make it.
  const stopWatching = watchGossipStreams(node, {
    expected: (peer) => mirror.isMember(peer),
    onBroken: () => metrics.refused.inc({ why: 'gossip-stream-lost' }),
  })
  // A relay meshes with every relay it is given, not a random few.
  const keeper = new RelayKeeper(node, { relays: init.peers ?? [], relaysPerPeer: Infinity })
  keeper.start()

  let serving = true
  let http: { server: Server; url: string } | undefined
  if ((init.httpPort ?? DEFAULT_HTTP_PORT) >= 0) {
    http = await startHttpEndpoints({
      host: init.httpHost ?? '127.0.0.1',
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
      stopWatching()
      mirror.stop()
      await node.stop()
      await unlockKey()
      if (http !== undefined) await new Promise((resolve) => http?.server.close(resolve))
    },
  }
}

/** Reservations held from the IP address `peer` is connected from now. */
function reservationsFromAddressOf(node: RelayNode, peer: PeerId): number {
  const host = hostOf(node.getConnections(peer)[0]?.remoteAddr.toString())
  if (host === undefined) return 0
  let count = 0
  for (const reservation of node.services.relay.reservations.values())
    if (hostOf(reservation.addr.toString()) === host) count++
  return count
}

function hostOf(address: string | undefined): string | undefined {
  return address === undefined ? undefined : /^\/ip[46]\/([^/]+)/.exec(address)?.[1]
}
