/**
 * A raw libp2p node with gossipsub — plain libraries, none of our code — as an outsider
 * (or a load generator) would run one against a relay.
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { sha256 } from '@noble/hashes/sha2.js'
import { createLibp2p } from 'libp2p'
import { sleep, waitFor } from './wait.js'

/**
 * What a raw node is made of: WebSockets (and relayed circuits with `circuits`, which need
 * identify among its services), Noise, yamux; `listen` on these addresses.
 */
export function rawNodeParts(listen: string[] = [], { circuits = false } = {}) {
  return {
    addresses: { listen },
    transports: circuits ? [webSockets(), circuitRelayTransport()] : [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
  }
}

export interface RawNodeInit {
  /** Listen on `/p2p-circuit`: take a reservation on the relays it connects to. */
  reserve?: boolean
  /** What it tells others it is (identify), e.g. a relay's user agent. */
  userAgent?: string
  /** Addresses to listen on, e.g. `/ip4/127.0.0.1/tcp/0/ws` (else none, or `/p2p-circuit`). */
  listen?: string[]
}

export async function rawGossipNode(init: RawNodeInit = {}) {
  return createLibp2p({
    ...(init.userAgent === undefined ? {} : { nodeInfo: { userAgent: init.userAgent } }),
    ...rawNodeParts([...(init.reserve === true ? ['/p2p-circuit'] : []), ...(init.listen ?? [])], {
      circuits: true,
    }),
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: (message) => sha256(message.data ?? new Uint8Array()),
        allowPublishToZeroTopicPeers: true,
      }),
    },
  })
}

export type RawNode = Awaited<ReturnType<typeof rawGossipNode>>

/**
 * A raw node in `topic` through the relay at `relayAddress`, once the relay is known to
 * serve the topic and has had a gossipsub heartbeat to graft it into its mesh.
 */
export async function rawNodeInRoom(
  relayAddress: string,
  topic: string,
  init: RawNodeInit = {},
): Promise<RawNode> {
  const raw = await rawGossipNode(init)
  await raw.dial(multiaddr(relayAddress))
  raw.services.pubsub.subscribe(topic)
  await waitFor(() => raw.services.pubsub.getSubscribers(topic).length > 0, {
    timeoutMs: 10_000,
    what: 'the relay to be known as subscribed',
  })
  await sleep(1_200) // one gossipsub heartbeat: the relay grafts us into its mesh
  return raw
}

/** A node's gossipsub mesh for `topic`: the implementation has it, its interface does not list it. */
export function meshPeersOf(pubsub: unknown, topic: string): string[] {
  return (pubsub as { getMeshPeers(topic: string): string[] }).getMeshPeers(topic)
}
