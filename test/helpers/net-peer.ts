import type { Multiaddr } from '@multiformats/multiaddr'
/**
 * Ghost Threads peers on the real network, inside the test process: real libp2p nodes
 * dialling the relay over 127.0.0.1, with timings scaled down like the core's tests.
 */

import type { PrivateKey } from '@libp2p/interface'
import {
  createSeedIdentity,
  type GhostThread,
  generateSeed,
  type JoinThreadOptions,
  ReceiptRules,
  type ReceiptRulesInit,
  type ThreadTimings,
} from '../../src/core/index.js'
import { type GhostNode, startGhostNode } from '../../src/net/ghost-node.js'
import { meshPeersOf } from './raw-node.js'
import { EventLog } from './room.js'
import { untilSteady, waitFor } from './wait.js'

/** Presence every 300 ms, expiry after 1.5 s: a crash is noticed within seconds. */
export const NET_TIMINGS: ThreadTimings = {
  presenceIntervalMs: 300,
  memberExpiryMs: 1_500,
  // The default pace, scaled like the interval (20 s → 300 ms).
  roomPresencePerSecond: 10 * (20_000 / 300),
  maxPresenceIntervalMs: 3_000,
  presenceReplyJitterMs: 20,
  backlogGatherMs: 100,
  backlogPeersAsked: 3,
  requestTimeoutMs: 5_000,
  // Scheduled rotation is tested on purpose, not by every private room of a test.
  privateRotationMs: 3_600_000,
  // Scaled like the interval: a rotation right after a member came does not leave it out.
  rekeyGraceMs: 1_000,
}

export interface NetPeerInit {
  relays: string[]
  space?: string
  room?: string
  webrtc?: boolean
  timings?: Partial<ThreadTimings>
  seed?: Uint8Array
  listen?: string[]
  /** The node's key, and so its peer id (e.g. to choose which of two peers dials). */
  privateKey?: PrivateKey
  /** Receipt-rule settings (e.g. a small replay window); refusals are recorded anyway. */
  rules?: Omit<ReceiptRulesInit, 'onVerdict'>
  /** joinThread's options beside `ghost: true` (a backlog limit, ghostFilters). */
  options?: Omit<JoinThreadOptions, 'ghost'>
  /** Which loopback and LAN addresses it may dial (a function: to cut a peer off at will). */
  allowPrivateAddresses?: boolean | ((address: Multiaddr) => boolean)
}

export interface NetPeer {
  node: GhostNode
  thread: GhostThread
  did: string
  events: EventLog
  /** `channel:reason` of every message this peer's receipt rules refused. */
  refusals: string[]
  /** Those of them refused as `reject`: what costs the peer that handed it over score. */
  rejected: string[]
}

export async function startNetPeer(init: NetPeerInit): Promise<NetPeer> {
  const timings = { ...NET_TIMINGS, ...init.timings }
  const refusals: string[] = []
  const rejected: string[] = []
  const node = await startGhostNode({
    relays: init.relays,
    identity: createSeedIdentity(init.seed ?? generateSeed()),
    webrtc: init.webrtc ?? false,
    ...(init.listen === undefined ? {} : { listen: init.listen }),
    ...(init.privateKey === undefined ? {} : { privateKey: init.privateKey }),
    ...(init.allowPrivateAddresses === undefined
      ? {}
      : { allowPrivateAddresses: init.allowPrivateAddresses }),
    timings,
    rules: new ReceiptRules({
      ...init.rules,
      onVerdict: (verdict, reason, channel) => {
        if (verdict !== 'accept') refusals.push(`${channel}:${reason}`)
        if (verdict === 'reject') rejected.push(`${channel}:${reason}`)
      },
    }),
  })
  const space = await node.ghost.openSpace(init.space ?? 'netspace')
  const thread = await space.joinThread(init.room ?? 'lobby', { ...init.options, ghost: true })
  const events = new EventLog()
  events.watch(thread)
  return { node, thread, did: space.did, events, refusals, rejected }
}

/** Until `a` and `b` have each seen the other join (waitFor's options: deadline, what). */
export function untilMet(
  a: NetPeer,
  b: NetPeer,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  return waitFor(() => a.events.joined.includes(b.did) && b.events.joined.includes(a.did), options)
}

/**
 * `a` and `b` post in turn, `rounds` times each, every post waited for at the other (and at
 * `also`) before the next: the room carries each way, one post at a time (a burst would
 * test the rate limits instead).
 */
export async function tradePosts(
  a: NetPeer,
  b: NetPeer,
  {
    rounds = 5,
    also = [],
    timeoutMs = 10_000,
  }: { rounds?: number; also?: NetPeer[]; timeoutMs?: number } = {},
): Promise<void> {
  const names = new Map([
    [a, 'a'],
    [b, 'b'],
  ])
  for (let n = 1; n <= rounds; n++) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const text = `${names.get(from)} after ${n}`
      await from.thread.post(text)
      const given = (peer: NetPeer) => peer.events.allTexts().includes(text)
      await explainingFailure(
        [from, to, ...also],
        waitFor(() => given(to) && also.every(given), {
          timeoutMs,
          what: `"${text}" at the other side`,
        }),
      )
    }
  }
}

export async function stopAll(peers: Array<NetPeer | undefined>): Promise<void> {
  await Promise.all(peers.map((peer) => peer?.node.stop()))
}

/** A peer's view of the network, for failure messages of tests that wait on it. */
export async function describePeer(peer: NetPeer): Promise<string> {
  const { libp2p, transport } = peer.node
  const topic = peer.thread.topic
  return [
    `peer ${libp2p.peerId.toString().slice(-6)} (${peer.did.slice(-6)})`,
    `  connections: ${libp2p.getConnections().length} (${libp2p.getConnections().filter((c) => c.remoteAddr.toString().includes('p2p-circuit')).length} relayed)`,
    `  subscribers: ${transport.subscribers(topic).length}, queued: ${transport.queue.size}, relays ${peer.node.relays.connected().length}, gossip scores ${transport
      .subscribers(topic)
      .map((id) =>
        Math.round(
          (libp2p.services.pubsub as unknown as { getScore(peer: string): number }).getScore(id),
        ),
      )
      .join(' ')}`,
    `  refused: ${[...new Set(peer.refusals)].map((reason) => `${reason} ×${peer.refusals.filter((r) => r === reason).length}`).join(', ') || 'none'}`,
    `  members: ${(await peer.thread.listMembers()).length} (joined events ${peer.events.joined.length}, left ${peer.events.left.length}), mesh: ${meshPeersOf(peer.node.libp2p.services.pubsub, topic).length}, messages: ${JSON.stringify(peer.events.texts())}`,
    `  direct: ${peer.node.dialer.directPeers().length}, failed dials: ${
      peer.node.dialer
        .failures()
        .map(({ peer: to, failures, lastError }) => `${to.slice(-6)} ×${failures} (${lastError})`)
        .join(', ') || 'none'
    }`,
  ].join('\n')
}

/**
 * Until nothing more reaches `peer` (neither an event nor a refusal) for `quietMs`: a
 * flood has drained, not only been sent. Under load its tail crossed a direct link for
 * seconds after the last send, and an honest post made meanwhile was dropped with it.
 */
export async function untilDrained(
  peer: NetPeer,
  { quietMs = 1_500, timeoutMs = 30_000 } = {},
): Promise<void> {
  await untilSteady(() => peer.events.allTexts().length + peer.refusals.length, {
    quietMs,
    timeoutMs,
    what: 'the flood to drain',
  })
}

/** Runs `wait`; on failure, adds each peer's view of the network to the error. */
export async function explainingFailure<T>(
  peers: NetPeer[] | (() => NetPeer[]),
  wait: Promise<T>,
): Promise<T> {
  try {
    return await wait
  } catch (err) {
    // A function names the peers worth showing once the wait failed (those that lag).
    const shown = typeof peers === 'function' ? peers() : peers
    const views = await Promise.all(shown.map(describePeer))
    throw new Error(`${(err as Error).message}\n${views.join('\n')}`)
  }
}
