/**
 * A whole Ghost Threads peer on the real network: the libp2p node, the transport, the
 * relay keeper, the WebRTC dialer and the core's `GhostThreads`, wired together. The
 * terminal peer, the tests, the benchmarks and the extension's host all start one.
 *
 * @example
 * const peer = await startGhostNode({ relays: ['/ip4/127.0.0.1/tcp/4040/ws/p2p/12D3…'], identity })
 * const space = await peer.ghost.openSpace('my-dapp')
 * const thread = await space.joinThread('lobby', { ghost: true })
 */
import type { Multiaddr } from '@multiformats/multiaddr'
import type { GhostThread } from '../core/ghost-thread.js'
import { GhostThreads } from '../core/ghost-threads.js'
import type { Identity } from '../core/identity.js'
import type { ReceiptRules } from '../core/receipt-rules.js'
import type { ThreadTimings } from '../core/thread-timings.js'
import { RESUBSCRIBE_WAIT_MS } from './constants.js'
import { createPeerNode, type PeerNodeInit } from './create-peer-node.js'
import { watchGossipStreams } from './gossip-stream-watch.js'
import { type GossipNode, Libp2pTransport } from './libp2p-transport.js'
import { PeerPenalties } from './peer-penalties.js'
import { RelayDirectory } from './relay-directory.js'
import { peerOf, RelayKeeper } from './relay-keeper.js'
import { WebRTCDialer } from './webrtc-dialer.js'

export interface GhostNodeInit extends PeerNodeInit {
  identity: Identity
  rules?: ReceiptRules
  timings?: Partial<ThreadTimings>
  /** Called when the node's last open room closes. */
  onIdle?: () => void
}

export interface GhostNode {
  libp2p: GossipNode
  transport: Libp2pTransport
  ghost: GhostThreads
  relays: RelayKeeper
  dialer: WebRTCDialer
  stop(): Promise<void>
}

/** Resolves once some peer serves `topic` to us again, or after the wait runs out. */
function whenServed(transport: Libp2pTransport, topic: string): Promise<void> {
  return new Promise((resolve) => {
    if (transport.subscribers(topic).length > 0) return resolve()
    const done = (): void => {
      stopWatching()
      clearTimeout(timer)
      resolve()
    }
    const stopWatching = transport.onSubscriptionChange((change) => {
      if (change.topic === topic && change.subscribed) done()
    })
    const timer = setTimeout(done, RESUBSCRIBE_WAIT_MS)
  })
}

export async function startGhostNode(init: GhostNodeInit): Promise<GhostNode> {
  const penalties = new PeerPenalties()
  const libp2p = await createPeerNode({ ...init, penalties })
  const rejoining = new Set<GhostThread>()
  const relays = new RelayKeeper(libp2p, {
    relays: init.relays,
    // The relay forgot our subscriptions and presence: announce again and catch up on
    // what was said meanwhile. Gossipsub resends our subscriptions by itself; we wait
    // until the relay serves the room again, so that the backlog we ask for covers
    // everything published before the relay could forward to us.
    // (Called only after relays.start() below, once `threads` exists.)
    onConnect: (relayId) => void directory.learnFrom(relayId),
    fallbacks: (): Multiaddr[] => directory.told(),
    onReconnect: () => {
      for (const thread of threads.openThreads()) {
        // Several relays coming back at once make one rejoin, not one each: each rejoin
        // asks every relay again, and a member's answer budget there is small.
        if (rejoining.has(thread)) continue
        rejoining.add(thread)
        void whenServed(transport, thread.topic)
          .then(() => thread.reannounce())
          .finally(() => rejoining.delete(thread))
      }
    },
  })
  const directory = new RelayDirectory(libp2p, {
    configured: (relayId) => relays.addressOf(relayId),
    connected: () => relays.connected(),
  })
  const transport = new Libp2pTransport(libp2p, {
    relays: () => relays.connected(),
    relayAddress: (relayId) => directory.addressOf(relayId),
    expectsRelays: init.relays.length > 0,
    penalties,
  })
  const threads = new GhostThreads({
    transport,
    identity: init.identity,
    ...(init.rules === undefined ? {} : { rules: init.rules }),
    ...(init.timings === undefined ? {} : { timings: init.timings }),
    ...(init.onIdle === undefined ? {} : { onIdle: init.onIdle }),
  })
  const dialer = new WebRTCDialer(libp2p, {
    wantedPeers: () => threads.openThreads().flatMap((thread) => thread.memberPeers()),
    relaysToward: (named) => transport.relaysToward(named),
  })
  relays.start()
  const stopWatching = watchGossipStreams(libp2p, {
    expected: (peer) => relays.connected().some((relay) => peerOf(relay) === peer),
  })
  if (init.webrtc ?? true) dialer.start()
  await threads.start()
  return {
    libp2p,
    transport,
    ghost: threads,
    relays,
    dialer,
    async stop() {
      stopWatching()
      dialer.stop()
      relays.stop()
      await threads.stop()
      await libp2p.stop()
    },
  }
}
