/**
 * The baseline: ipfs-pubsub-room 3.x, the room library of the js-ipfs era, learns who
 * joined by polling gossipsub's subscriber list every second. We run it on the very same
 * libp2p nodes as our threads and time both on the same joins, side by side.
 */
import PubSubRoom from 'ipfs-pubsub-room'
import type { GhostNode } from '../../src/net/ghost-node.js'
import { joinRoom, until } from './peers.js'

/** ipfs-pubsub-room wants a js-ipfs-era node: `pubsub` at the top and a stream handler. */
function legacyView(node: GhostNode) {
  return {
    peerId: node.libp2p.peerId,
    pubsub: node.libp2p.services.pubsub,
    // Its direct-message protocol is not part of the comparison.
    handle: async () => undefined,
    unhandle: async () => undefined,
  }
}

export interface SideBySide {
  /** Join → our `user-joined`, ms. */
  ours: number[]
  /** Join → ipfs-pubsub-room's `peer joined` for the same peer, ms (missing: not seen). */
  baseline: number[]
  trials: number
}

export async function joinDetection(
  observer: GhostNode,
  joiner: GhostNode,
  trials: number,
  label: string,
): Promise<SideBySide> {
  const result: SideBySide = { ours: [], baseline: [], trials }
  const joinerId = joiner.libp2p.peerId.toString()
  for (let trial = 0; trial < trials; trial++) {
    const roomName = `${label}-${trial}`
    const there = await joinRoom(observer, roomName)
    const legacy = new PubSubRoom(legacyView(observer), there.topic, { pollInterval: 1_000 })
    await until(
      () => observer.transport.subscribers(there.topic).length > 0 || label === 'direct',
      5_000,
    )
    let oursAt: number | undefined
    let legacyAt: number | undefined
    there.on('user-joined', () => {
      oursAt ??= performance.now()
    })
    legacy.on('peer joined', (peer: string) => {
      if (peer.toString() === joinerId) legacyAt ??= performance.now()
    })
    const start = performance.now()
    const thread = await joinRoom(joiner, roomName)
    await until(() => oursAt !== undefined && legacyAt !== undefined, 3_000)
    if (oursAt !== undefined) result.ours.push(oursAt - start)
    if (legacyAt !== undefined) result.baseline.push(legacyAt - start)
    await legacy.leave()
    await Promise.all([there.close(), thread.close()])
  }
  return result
}
