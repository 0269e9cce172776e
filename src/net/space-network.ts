/**
 * One libp2p node per space. A member's `join` names the peer that hosts it, and one peer
 * id in the claims of every space would link a user's DIDs across dapps that were meant
 * to know nothing of each other (v1 did that). Each space in use gets a node of its own,
 * with a fresh random peer id, its own relay connections, reservations and WebRTC links:
 * on the wire, two spaces of one user share no identifier. A relay still sees both
 * connections come from one address, as it sees any two people behind one NAT.
 *
 * A space's node starts with its first room and stops `idleStopMs` after its last room
 * closed; the space object stays good, and its next room starts a node again (with a
 * new peer id, as every start has).
 *
 * @example
 * const network = new SpaceNetwork({ relays, identity, webrtc: true })
 * const space = await network.openSpace('my-dapp')
 * const lobby = await space.joinThread('lobby', { ghost: true }) // starts the space's node
 */

import type { GhostThread } from '../core/ghost-thread.js'
import { GhostSpace } from '../core/ghost-threads.js'
import { assertNoSpaceOptions } from '../core/join-options.js'
import { assertValidName } from '../core/room-name.js'
import { SPACE_IDLE_STOP_MS } from './constants.js'
import { type GhostNode, type GhostNodeInit, startGhostNode } from './ghost-node.js'

export interface SpaceNetworkInit extends Omit<GhostNodeInit, 'privateKey' | 'onIdle'> {
  /** How long a space's node outlives its last room (default SPACE_IDLE_STOP_MS). */
  idleStopMs?: number
}

export class SpaceNetwork {
  private readonly starting = new Map<string, Promise<GhostNode>>()
  /** Nodes that have started, by space, for synchronous status reads. */
  private readonly started = new Map<string, GhostNode>()
  private readonly idleTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly stopping = new Set<Promise<void>>()
  private relays: string[]
  /** Relays sites named for a space (allowed by the user), beside `relays`. */
  private readonly spaceRelays = new Map<string, string[]>()
  private stopped = false

  constructor(private readonly init: SpaceNetworkInit) {
    this.relays = init.relays
  }

  /** The space; its node starts with its first room. */
  async openSpace(name: string, options?: Record<string, never>): Promise<GhostSpace> {
    assertValidName('space', name)
    assertNoSpaceOptions(options)
    const signer = await this.init.identity.signerForSpace(name)
    return new GhostSpace(name, signer, {
      join: async (space, spaceSigner, room, options) =>
        (await this.nodeFor(space)).ghost.join(space, spaceSigner, room, options),
    })
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
    const named = [...this.spaceRelays.keys()].flatMap((space) => this.relaysOf(space))
    return [...new Set([...this.relays, ...named])].map((address) => ({
      address,
      connected: connected.has(address),
    }))
  }

  async setRelays(relays: string[]): Promise<void> {
    this.relays = relays
    await Promise.all(
      [...this.started].map(([space, node]) => node.relays.setRelays(this.relaysOf(space))),
    )
  }

  /** A site's relays for `space`: its node holds them beside the user's own from now on. */
  async addSpaceRelays(space: string, relays: string[]): Promise<void> {
    const known = this.spaceRelays.get(space) ?? []
    const added = relays.filter((relay) => !known.includes(relay))
    if (added.length === 0) return
    this.spaceRelays.set(space, [...known, ...added])
    await this.started.get(space)?.relays.setRelays(this.relaysOf(space))
  }

  /** The user's relays, then those sites named for `space`. */
  private relaysOf(space: string): string[] {
    const extra = (this.spaceRelays.get(space) ?? []).filter((r) => !this.relays.includes(r))
    return [...this.relays, ...extra]
  }

  redialNow(): void {
    for (const node of this.started.values()) node.relays.redialNow()
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.idleTimers.values()) clearTimeout(timer)
    this.idleTimers.clear()
    const nodes = await Promise.allSettled(this.starting.values())
    await Promise.all([
      ...nodes.flatMap((node) => (node.status === 'fulfilled' ? [node.value.stop()] : [])),
      ...this.stopping,
    ])
    this.starting.clear()
    this.started.clear()
  }

  private nodeFor(space: string): Promise<GhostNode> {
    if (this.stopped) throw new Error('the network has stopped')
    clearTimeout(this.idleTimers.get(space))
    this.idleTimers.delete(space)
    let node = this.starting.get(space)
    if (node === undefined) {
      // No privateKey: libp2p makes a fresh one, so the peer id is this space's alone.
      const { idleStopMs: _, ...init } = this.init
      node = startGhostNode({
        ...init,
        relays: this.relaysOf(space),
        onIdle: () => this.idle(space),
      })
      this.starting.set(space, node)
      node.then(
        (running) => this.started.set(space, running),
        () => this.starting.delete(space),
      )
    }
    return node
  }

  /** The space's last room closed: stop its node unless a room opens again meanwhile. */
  private idle(space: string): void {
    if (this.stopped) return
    clearTimeout(this.idleTimers.get(space))
    const timer = setTimeout(() => {
      this.idleTimers.delete(space)
      const node = this.started.get(space)
      if (node === undefined || node.ghost.openThreads().length > 0) return
      // Forgotten first, so that a room opened while it stops starts a fresh node.
      this.starting.delete(space)
      this.started.delete(space)
      const stopping = node.stop().catch(() => undefined)
      this.stopping.add(stopping)
      void stopping.then(() => this.stopping.delete(stopping))
    }, this.init.idleStopMs ?? SPACE_IDLE_STOP_MS)
    this.idleTimers.set(space, timer)
  }
}
