/**
 * Tells each page how its rooms are connected (shared/connection-status.ts): every
 * STATUS_CHECK_MS while any page holds a room, it reads each room's link from the network
 * and sends a lease a `status` event when what its page would see changed (and once right
 * after its join). Read on a clock, not from libp2p's connection events: a room's state
 * depends on relays, gossipsub subscriptions and WebRTC links together, and a one-second
 * read of those is cheap and keeps "offline" within a few seconds of a relay going.
 */

import type { GhostThread } from '../core/ghost-thread.js'
import type { RoomLink } from '../net/space-network.js'
import type { RoomConnection } from '../shared/connection-status.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import { CONNECTING_GRACE_MS, STATUS_CHECK_MS } from './constants.js'
import type { Lease } from './thread-leases.js'

export interface RoomStatusWatchInit {
  leases: () => Lease[]
  /** The room's link now; undefined when the room runs on no node (it is closing). */
  link: (thread: GhostThread) => Promise<RoomLink | undefined>
  tell: (lease: Lease, event: ThreadEvent) => void
  now?: () => number
  checkMs?: number
}

interface RoomHistory {
  joinedAtMs: number
  firstPeerMs: number | null
}

/** A relay of the room's node is connected, or a member's peer carries the room. */
function reachesAnyone(link: RoomLink): boolean {
  return link.peers > 0 || link.relays.some((relay) => relay.connected)
}

/** What a page is told of one room: from its link now and what came before. */
export function roomConnection(
  link: RoomLink,
  history: RoomHistory,
  nowMs: number,
): RoomConnection {
  const connectedRelays = link.relays.filter((relay) => relay.connected).length
  const state = reachesAnyone(link)
    ? 'online'
    : history.firstPeerMs === null && nowMs - history.joinedAtMs < CONNECTING_GRACE_MS
      ? 'connecting'
      : 'offline'
  return {
    state,
    relays: { connected: connectedRelays, total: link.relays.length },
    siteRelays: link.relays
      .filter((relay) => relay.site)
      .map(({ address, connected }) => ({ address, connected })),
    peers: link.peers,
    directPeers: link.directPeers,
    firstPeerMs: history.firstPeerMs,
    // The transport queues a post while nobody subscribed to the room is known.
    posting: link.peers > 0 ? 'sent' : 'queued',
  }
}

export class RoomStatusWatch {
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly histories = new WeakMap<GhostThread, RoomHistory>()
  /** What each lease was told last, as JSON, by handle. */
  private readonly told = new Map<string, string>()
  private checking: Promise<void> | undefined
  private readonly now: () => number

  constructor(private readonly init: RoomStatusWatchInit) {
    this.now = init.now ?? Date.now
  }

  /** A page joined a room: it hears the room's state now, and on every change. */
  watch(thread: GhostThread): void {
    if (!this.histories.has(thread))
      this.histories.set(thread, { joinedAtMs: this.now(), firstPeerMs: null })
    this.timer ??= setInterval(() => void this.check(), this.init.checkMs ?? STATUS_CHECK_MS)
    void this.check()
  }

  /** Reads every held room once; a check already running is joined, not repeated. */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => {
      this.checking = undefined
    })
    return this.checking
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.told.clear()
  }

  private async checkAll(): Promise<void> {
    const leases = this.init.leases()
    if (leases.length === 0) return this.stop()
    const held = new Set(leases.map((lease) => lease.handle))
    for (const handle of this.told.keys()) if (!held.has(handle)) this.told.delete(handle)
    const links = new Map<GhostThread, Promise<RoomLink | undefined>>()
    for (const lease of leases) {
      const link = links.get(lease.thread) ?? this.init.link(lease.thread)
      links.set(lease.thread, link)
      const connection = this.connectionOf(lease.thread, await link)
      if (connection === undefined) continue
      const shown = JSON.stringify(connection)
      if (this.told.get(lease.handle) === shown) continue
      this.told.set(lease.handle, shown)
      this.init.tell(lease, { thread: lease.handle, kind: 'status', connection })
    }
  }

  private connectionOf(thread: GhostThread, link: RoomLink | undefined) {
    const history = this.histories.get(thread)
    if (link === undefined || history === undefined || !thread.isOpen) return undefined
    const nowMs = this.now()
    if (history.firstPeerMs === null && reachesAnyone(link))
      history.firstPeerMs = nowMs - history.joinedAtMs
    return roomConnection(link, history, nowMs)
  }
}
