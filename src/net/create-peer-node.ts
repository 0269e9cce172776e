/**
 * A libp2p node for someone who chats: the browser host (WebSockets to its relays,
 * reachable through circuit relay v2, WebRTC to room peers) or a Node peer (the terminal
 * peer, bots, tests), which may leave WebRTC out.
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { isPrivate } from '@libp2p/utils'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { PEER_PING_INTERVAL_MS, PING_TIMEOUT_MS, RELAYS_PER_PEER } from './constants.js'
import { gossipsubOptions } from './gossip-options.js'
import { openGossipStreamsConcurrently } from './gossip-outbound-streams.js'
import type { GossipNode } from './libp2p-transport.js'
import { PeerPenalties } from './peer-penalties.js'

export interface PeerNodeInit {
  /** Relay multiaddrs, each ending in `/p2p/<relay id>`. */
  relays: string[]
  /** Direct connections to room peers over WebRTC (default true). */
  webrtc?: boolean
  /** ICE servers for WebRTC. Empty by default: no third party learns who chats. */
  iceServers?: RTCIceServer[]
  /** Extra listen addresses, e.g. a WebSockets port for a Node peer others dial. */
  listen?: string[]
  privateKey?: PrivateKey
  /**
   * Scores peers by the messages our rules rejected; the transport adds to it (give both
   * the same one, as startGhostNode does). Without it no peer ever loses score.
   */
  penalties?: PeerPenalties
  /**
   * Browsers refuse `ws://` and private addresses by default; tests on loopback (and
   * a relay on a LAN) need them. Production relays use `wss://` with a public address.
   * A function allows `ws://` and the private addresses it says yes to (a site's node:
   * the user's own local relays only, space-network.ts).
   */
  allowPrivateAddresses?: boolean | ((address: Multiaddr) => boolean)
}

function privateAddressGater(allow: PeerNodeInit['allowPrivateAddresses']) {
  if (allow === true) return { connectionGater: { denyDialMultiaddr: () => false } }
  if (typeof allow !== 'function') return {}
  return {
    connectionGater: {
      denyDialMultiaddr: (address: Multiaddr) => isPrivate(address) && !allow(address),
    },
  }
}

export async function createPeerNode(init: PeerNodeInit): Promise<GossipNode> {
  const useWebRTC = init.webrtc ?? true
  const iceServers = init.iceServers ?? []
  // One circuit reservation per `/p2p-circuit` listen address, on a relay we hold: one per
  // relay we hold at once. Our claims name every relay we hold as a way to reach us, and
  // with a single reservation a member holding R and S was unreachable through the one it
  // had not reserved on: a peer sharing only that relay never linked to it over WebRTC
  // (NO_RESERVATION, 2 of 5 loaded suite runs, 2026-12-04).
  const reservations = Math.min(Math.max(init.relays.length, 1), RELAYS_PER_PEER)
  const circuits = Array.from({ length: reservations }, () => '/p2p-circuit')
  const node = (await createLibp2p({
    ...(init.privateKey === undefined ? {} : { privateKey: init.privateKey }),
    addresses: {
      listen: [...circuits, ...(useWebRTC ? ['/webrtc'] : []), ...(init.listen ?? [])],
    },
    transports: [
      webSockets(),
      circuitRelayTransport(),
      ...(useWebRTC ? [webRTC({ rtcConfiguration: { iceServers } })] : []),
    ],
    connectionEncrypters: [noise()],
    connectionMonitor: { pingInterval: PEER_PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS },
    streamMuxers: [yamux()],
    ...privateAddressGater(init.allowPrivateAddresses),
    // No peer discovery: RelayKeeper dials the relays, and members are reached through the
    // relays they name in their signed claims. v1 ran pubsub-peer-discovery, where every
    // peer announced itself to every other every 3 s (traffic growing with the square of
    // the relay's peers) and anyone could make peers dial any address.
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub(gossipsubOptions('peer', init.penalties ?? new PeerPenalties())),
    },
  })) as GossipNode
  openGossipStreamsConcurrently(node.services.pubsub)
  return node
}
