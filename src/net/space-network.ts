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
 * A site's own relays (`openSpace(name, { relays })`, allowed by the user) carry that
 * site's rooms only: gossipsub tells every connected peer every topic its node is in, so
 * a relay on the node of the whole space heard the rooms of every other site in it, and
 * the user's DID and address with them (issue 22). Rooms joined with site relays run on a
 * node of their own for that space and relay set (the user's relays beside the site's),
 * and that node stops as soon as its last room closes: when the site's grant goes, its
 * rooms close, and its relays go with them. The site's relays may not reach into the
 * user's network (loopback, LAN, link-local) unless `localSiteRelays` allows it; the
 * user's own local relays stay reachable from every node.
 *
 * @example
 * const network = new SpaceNetwork({ relays, identity, webrtc: true })
 * const space = await network.openSpace('my-dapp')
 * const lobby = await space.joinThread('lobby', { ghost: true }) // starts the space's node
 */

import { getNetConfig } from '@libp2p/utils'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import type { GhostThread } from '../core/ghost-thread.js'
import { GhostSpace } from '../core/ghost-threads.js'
import { assertNoSpaceOptions } from '../core/join-options.js'
import { assertValidName } from '../core/room-name.js'
import { isLocalAddress } from '../shared/local-relays.js'
import { SPACE_IDLE_STOP_MS } from './constants.js'
import { type GhostNode, type GhostNodeInit, startGhostNode } from './ghost-node.js'

export interface SpaceNetworkInit
  extends Omit<GhostNodeInit, 'privateKey' | 'onIdle' | 'allowPrivateAddresses'> {
  /** How long a space's node outlives its last room (default SPACE_IDLE_STOP_MS). */
  idleStopMs?: number
  /** Loopback and LAN relays of the user's own list may be dialled (development, tests). */
  allowPrivateAddresses?: boolean
  /** A site's relays may be loopback, LAN or link-local too (the user turned it on). */
  localSiteRelays?: boolean
}

/** A room's link as the network sees it now (SpaceNetwork.roomLink). */
export interface RoomLink {
  /** The relays the room's node holds or dials; `site`: named by the site, not the user. */
  relays: { address: string; connected: boolean; site: boolean }[]
  /** Peers subscribed to the room's topic: they carry its messages to and from us. */
  peers: number
  /** Of those, peers over a direct (WebRTC) connection. */
  directPeers: number
}

/** Which node a room runs on: the space's own, or the space's with one site's relays. */
function nodeKey(space: string, siteRelays: readonly string[]): string {
  return siteRelays.length === 0 ? space : `${space}\n${[...siteRelays].sort().join('\n')}`
}

/** `host:port` of an address, to know a dialled (resolved) address for one of ours. */
function hostPort(address: Multiaddr): string | undefined {
  try {
    const config = getNetConfig(address)
    return 'port' in config ? `${config.host}:${config.port}` : undefined
  } catch {
    return undefined
  }
}

export class SpaceNetwork {
  private readonly starting = new Map<string, Promise<GhostNode>>()
  /** Nodes that have started, by space, for synchronous status reads. */
  private readonly started = new Map<string, GhostNode>()
  private readonly idleTimers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly stopping = new Set<Promise<void>>()
  private relays: string[]
  /** The relays of each site node (its key's), beside the user's `relays`. */
  private readonly siteRelays = new Map<string, string[]>()
  private localSiteRelays: boolean
  private stopped = false

  constructor(private readonly init: SpaceNetworkInit) {
    this.relays = init.relays
    this.localSiteRelays = init.localSiteRelays ?? false
  }

  /** The space; its node starts with its first room. */
  async openSpace(name: string, options?: Record<string, never>): Promise<GhostSpace> {
    assertNoSpaceOptions(options)
    return this.openSpaceWith(name, [])
  }

  /**
   * The space as one site sees it: its rooms run through the relays the site named (and
   * the user allowed) beside the user's, on a node no other site's rooms use.
   */
  async openSpaceWith(name: string, siteRelays: readonly string[]): Promise<GhostSpace> {
    assertValidName('space', name)
    const signer = await this.init.identity.signerForSpace(name)
    const key = nodeKey(name, siteRelays)
    return new GhostSpace(name, signer, {
      join: async (space, spaceSigner, room, options) =>
        (await this.nodeFor(key, siteRelays)).ghost.join(space, spaceSigner, room, options),
    })
  }

  /** Nodes running now: by space, and by space and site relays for sites that named some. */
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
    const named = [...this.started.keys()].flatMap((key) => this.relaysOf(key))
    return [...new Set([...this.relays, ...named])].map((address) => ({
      address,
      connected: connected.has(address),
    }))
  }

  /**
   * How `thread` is connected: the relays of the node it runs on (those its site named
   * marked), the peers subscribed to its room, and which of them are direct (WebRTC).
   */
  roomLink(thread: GhostThread): RoomLink | undefined {
    for (const [key, node] of this.started) {
      if (!node.ghost.openThreads().includes(thread)) continue
      const site = new Set(this.siteRelays.get(key) ?? [])
      const peers = node.transport.subscribers(thread.topic)
      const direct = new Set(node.dialer.directPeers())
      return {
        relays: node.relays.list().map((relay) => ({ ...relay, site: site.has(relay.address) })),
        peers: peers.length,
        directPeers: peers.filter((peer) => direct.has(peer)).length,
      }
    }
    return undefined
  }

  async setRelays(relays: string[], localSiteRelays = this.localSiteRelays): Promise<void> {
    this.relays = relays
    this.localSiteRelays = localSiteRelays
    await Promise.all(
      [...this.started].map(([key, node]) => node.relays.setRelays(this.relaysOf(key))),
    )
  }

  /** The user's relays, then those of the node's site (its local ones only if allowed). */
  private relaysOf(key: string): string[] {
    const extra = (this.siteRelays.get(key) ?? []).filter(
      (relay) => !this.relays.includes(relay) && (this.localSiteRelays || !isLocalAddress(relay)),
    )
    return [...this.relays, ...extra]
  }

  /**
   * Which private addresses a node may dial. The space's own node: any, if the user allows
   * private addresses at all. A site's node: also any if the user lets sites name local
   * relays; else only the user's own relays' (checked on the dialled, resolved address,
   * so a site's DNS name that resolves into the LAN is refused too).
   */
  private privateDials(site: boolean): boolean | ((address: Multiaddr) => boolean) {
    if (this.init.allowPrivateAddresses !== true) return false
    if (!site) return true
    return (address) => {
      if (this.localSiteRelays) return true
      const wanted = hostPort(address)
      return this.relays.some((relay) => {
        const own = multiaddr(relay)
        return isLocalAddress(own) && hostPort(own) === wanted
      })
    }
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

  private nodeFor(key: string, siteRelays: readonly string[]): Promise<GhostNode> {
    if (this.stopped) throw new Error('the network has stopped')
    clearTimeout(this.idleTimers.get(key))
    this.idleTimers.delete(key)
    let node = this.starting.get(key)
    if (node === undefined) {
      const site = siteRelays.length > 0
      if (site) this.siteRelays.set(key, [...siteRelays])
      // No privateKey: libp2p makes a fresh one, so the peer id is this node's alone.
      const { idleStopMs: _, localSiteRelays: _local, ...init } = this.init
      node = startGhostNode({
        ...init,
        relays: this.relaysOf(key),
        allowPrivateAddresses: this.privateDials(site),
        onIdle: () => this.idle(key, site),
      })
      this.starting.set(key, node)
      node.then(
        (running) => this.started.set(key, running),
        () => {
          this.starting.delete(key)
          this.siteRelays.delete(key)
        },
      )
    }
    return node
  }

  /**
   * A node's last room closed: stop it unless a room opens again meanwhile. A site's node
   * stops at once: its rooms closing is its grant going (or its last tab), and its relays
   * must not outlive that.
   */
  private idle(key: string, site: boolean): void {
    if (this.stopped) return
    clearTimeout(this.idleTimers.get(key))
    const timer = setTimeout(
      () => {
        this.idleTimers.delete(key)
        const node = this.started.get(key)
        if (node === undefined || node.ghost.openThreads().length > 0) return
        // Forgotten first, so that a room opened while it stops starts a fresh node.
        this.starting.delete(key)
        this.started.delete(key)
        this.siteRelays.delete(key)
        const stopping = node.stop().catch(() => undefined)
        this.stopping.add(stopping)
        void stopping.then(() => this.stopping.delete(stopping))
      },
      site ? 0 : (this.init.idleStopMs ?? SPACE_IDLE_STOP_MS),
    )
    this.idleTimers.set(key, timer)
  }
}
