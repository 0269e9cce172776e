/**
 * One libp2p node per space. A member's `join` names the peer that hosts it, and one peer
 * id in the claims of every space would link a user's DIDs across dapps that were meant
 * to know nothing of each other (v1 did that). Each space in use gets a node of its own,
 * with a fresh random peer id, its own relay connections, reservations and WebRTC links:
 * on the wire, two spaces of one user share no identifier. A relay still sees both
 * connections come from one address, as it sees any two people behind one NAT.
 *
 * @example
 * const network = new SpaceNetwork({ relays, identity, webrtc: true })
 * const space = await network.openSpace('my-dapp') // starts that space's node
 */

import type { GhostThread } from '../core/ghost-thread.js'
import type { GhostSpace } from '../core/ghost-threads.js'
import { assertValidName } from '../core/room-name.js'
import { type GhostNode, type GhostNodeInit, startGhostNode } from './ghost-node.js'

export type SpaceNetworkInit = Omit<GhostNodeInit, 'privateKey'>

export class SpaceNetwork {
  private readonly starting = new Map<string, Promise<GhostNode>>()
  /** Nodes that have started, by space, for synchronous status reads. */
  private readonly started = new Map<string, GhostNode>()
  private relays: string[]
  private stopped = false

  constructor(private readonly init: SpaceNetworkInit) {
    this.relays = init.relays
  }

  /** The space, on its own node (started on first use). */
  async openSpace(name: string): Promise<GhostSpace> {
    assertValidName('space', name)
    return (await this.nodeFor(name)).ghost.openSpace(name)
  }

  /** Nodes running now, by space. */
  nodes(): Map<string, GhostNode> {
    return new Map(this.started)
  }

  openThreads(): GhostThread[] {
    return [...this.started.values()].flatMap((node) => node.ghost.openThreads())
  }

  /** Every configured relay, connected when some space's node holds it. */
  relayList(): { address: string; connected: boolean }[] {
    const connected = new Set<string>()
    for (const node of this.started.values())
      for (const relay of node.relays.list()) if (relay.connected) connected.add(relay.address)
    return this.relays.map((address) => ({ address, connected: connected.has(address) }))
  }

  async setRelays(relays: string[]): Promise<void> {
    this.relays = relays
    await Promise.all([...this.started.values()].map((node) => node.relays.setRelays(relays)))
  }

  redialNow(): void {
    for (const node of this.started.values()) node.relays.redialNow()
  }

  async stop(): Promise<void> {
    this.stopped = true
    const nodes = await Promise.allSettled(this.starting.values())
    await Promise.all(
      nodes.flatMap((node) => (node.status === 'fulfilled' ? [node.value.stop()] : [])),
    )
    this.starting.clear()
    this.started.clear()
  }

  private nodeFor(space: string): Promise<GhostNode> {
    if (this.stopped) throw new Error('the network has stopped')
    let node = this.starting.get(space)
    if (node === undefined) {
      // No privateKey: libp2p makes a fresh one, so the peer id is this space's alone.
      node = startGhostNode({ ...this.init, relays: this.relays })
      this.starting.set(space, node)
      node.then(
        (running) => this.started.set(space, running),
        () => this.starting.delete(space),
      )
    }
    return node
  }
}
