/**
 * The relay's libp2p node: a WebSockets listener, a circuit-relay-v2 server so browsers
 * can reach each other to set up WebRTC, and a gossipsub hub tuned to serve whole rooms.
 */
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { GossipSub } from '@libp2p/gossipsub'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { ComponentLogger, PeerId, PrivateKey } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import {
  PING_TIMEOUT_MS,
  RELAY_AGENT_PREFIX,
  RELAY_CONNECTIONS,
  RELAY_PING_INTERVAL_MS,
  RELAY_RESERVATIONS,
} from './constants.js'
import { gossipsubOptions } from './gossip-options.js'
import { openGossipStreamsConcurrently } from './gossip-outbound-streams.js'
import { batchGossipRpcs } from './gossip-rpc-batches.js'
import type { PeerPenalties } from './peer-penalties.js'

export type RelayNode = Libp2p<{
  pubsub: GossipSub
  relay: ReturnType<ReturnType<typeof circuitRelayServer>>
}>

export interface RelayNodeInit {
  /** e.g. `/ip4/127.0.0.1/tcp/4040/ws`. */
  listen: string[]
  /** Public addresses to advertise, e.g. `/dns4/relay.example.com/tcp/443/wss`. */
  announce?: string[]
  privateKey: PrivateKey
  /** Refuses a circuit reservation (e.g. too many from one address). */
  denyReservation?: (peer: PeerId) => boolean
  /** Scores peers by the messages our rules rejected; the transport adds to it. */
  penalties: PeerPenalties
  /** libp2p's loggers (silent-logger.ts where nobody reads them); libp2p's own by default. */
  logger?: ComponentLogger
}

export async function createRelayNode(init: RelayNodeInit): Promise<RelayNode> {
  const node = (await createLibp2p({
    privateKey: init.privateKey,
    nodeInfo: { userAgent: `${RELAY_AGENT_PREFIX}1` },
    ...(init.logger === undefined ? {} : { logger: init.logger }),
    addresses: { listen: init.listen, announce: init.announce ?? [] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: RELAY_CONNECTIONS,
    connectionMonitor: { pingInterval: RELAY_PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS },
    // Relays are dialled on whatever address the operator gives, private ones included.
    connectionGater: {
      denyDialMultiaddr: () => false,
      denyInboundRelayReservation: (peer) => init.denyReservation?.(peer) ?? false,
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({ reservations: RELAY_RESERVATIONS }),
      pubsub: gossipsub(gossipsubOptions('relay', init.penalties)),
    },
  })) as RelayNode
  openGossipStreamsConcurrently(node.services.pubsub)
  batchGossipRpcs(node.services.pubsub)
  return node
}
