/**
 * A libp2p node for someone who chats: the browser host (WebSockets to the relays,
 * reachable through circuit relay v2, WebRTC to room peers) or a Node peer (the terminal
 * peer, bots, tests), which may leave WebRTC out.
 */
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { pubsubPeerDiscovery } from '@libp2p/pubsub-peer-discovery'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { DISCOVERY_INTERVAL_MS, DISCOVERY_TOPIC } from './constants.js'
import { gossipsubOptions } from './gossip-options.js'
import type { GossipNode } from './libp2p-transport.js'

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
   * Browsers refuse `ws://` and private addresses by default; tests on loopback (and
   * a relay on a LAN) need them. Production relays use `wss://` with a public address.
   */
  allowPrivateAddresses?: boolean
}

export async function createPeerNode(init: PeerNodeInit): Promise<GossipNode> {
  const useWebRTC = init.webrtc ?? true
  const iceServers = init.iceServers ?? []
  const withIds = init.relays.filter((relay) => relay.includes('/p2p/'))
  return createLibp2p({
    ...(init.privateKey === undefined ? {} : { privateKey: init.privateKey }),
    addresses: {
      listen: ['/p2p-circuit', ...(useWebRTC ? ['/webrtc'] : []), ...(init.listen ?? [])],
    },
    transports: [
      webSockets(),
      circuitRelayTransport(),
      ...(useWebRTC ? [webRTC({ rtcConfiguration: { iceServers } })] : []),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...(init.allowPrivateAddresses === true
      ? { connectionGater: { denyDialMultiaddr: () => false } }
      : {}),
    peerDiscovery: [
      // tagTTL Infinity makes bootstrap throw inside and never dial; timeout 0 dials at once.
      // Bootstrap needs relay ids; RelayKeeper dials the rest and keeps all of them.
      ...(withIds.length > 0
        ? [bootstrap({ list: withIds, tagTTL: 2 ** 31 - 1, timeout: 0 })]
        : []),
      pubsubPeerDiscovery({ interval: DISCOVERY_INTERVAL_MS, topics: [DISCOVERY_TOPIC] }),
    ],
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub(gossipsubOptions('peer')),
    },
  }) as Promise<GossipNode>
}
