/**
 * The popup's share of the host contract (shared/host-protocol.ts): the rooms pages hold,
 * as the user sees them in the toolbar popup. Each open room has a RoomFeed (posts,
 * everyone seen, unread, typing, reactions, seen marks); the popup reads a room's view in
 * a long poll, posts, reacts and says it types in it, leaves it for every tab, and reads
 * the status of all. Served in the contract's own shapes: the router's parsed request in,
 * the result out.
 */

import { InvalidArgumentError } from '../core/errors.js'
import type { GhostThread } from '../core/ghost-thread.js'
import { RoomNotOpenError } from '../shared/errors.js'
import type { HostEndpoint } from '../shared/host-protocol.js'
import type {
  KeepRoomRequest,
  PopupPost,
  PopupReaction,
  RoomRef,
  RoomViewRequest,
} from '../shared/manage-requests.js'
import type { HostStatus } from '../shared/messengers.js'
import type { RoomView } from '../shared/room-view.js'
import type { BlockedAuthors } from './blocked-authors.js'
import type { HostNetwork } from './ghost-host.js'
import type { KeptRooms } from './kept-rooms.js'
import { RoomFeed } from './room-feed.js'
import type { Lease, ThreadLeases } from './thread-leases.js'

export interface PopupRoomsInit {
  leases: ThreadLeases
  blocked: BlockedAuthors
  /** The network now (it changes when the identity is replaced). */
  network: () => Promise<HostNetwork>
  /** The private rooms the user chose to keep (kept-rooms.ts). */
  kept: KeptRooms
}

/** The methods of the host contract this file serves. */
export const POPUP_ROOM_METHODS = [
  'roomView',
  'postFromPopup',
  'reactFromPopup',
  'typingFromPopup',
  'leaveRoom',
  'roomInvite',
  'keepRoom',
  'keptRooms',
  'status',
] as const satisfies readonly (keyof HostEndpoint)[]

type Served = Pick<HostEndpoint, (typeof POPUP_ROOM_METHODS)[number]>

export class PopupRooms implements Served {
  /** One per open thread; a room open on two nodes (two sites' relays) has two. */
  private readonly feeds = new Map<GhostThread, RoomFeed>()

  readonly kept: KeptRooms

  constructor(private readonly init: PopupRoomsInit) {
    this.kept = init.kept
  }

  /** A page holds `thread` now: the popup keeps a feed of it while it is open. */
  opened(thread: GhostThread): void {
    if (!this.feeds.has(thread)) this.feeds.set(thread, new RoomFeed(thread))
  }

  /** The popup's view of a room: posts after `after`, members, tabs, signals; read up to `after`. */
  async roomView({ after, waitMs = 0, ...ref }: RoomViewRequest): Promise<RoomView> {
    const { space, room } = ref
    await this.feedOf(ref).newerThan(after, waitMs)
    // Looked up again: the room may have closed while the request waited.
    const feed = this.feedOf(ref)
    const hide = (did: string) => this.init.blocked.has(did)
    const posts = feed.postsAfter(after, hide)
    // Read is what the popup already showed: a reply that reaches a closed room view
    // (the user went back to the list meanwhile) must not clear the unread count.
    feed.markRead(after)
    const tabs = this.leasesOf(feed.thread).map((lease) => ({
      origin: lease.owner.origin,
      tabId: lease.owner.tabId,
    }))
    return {
      space,
      room,
      did: feed.thread.did,
      posts,
      latest: feed.latest,
      hidden: feed.hiddenCount(hide),
      members: await feed.members(hide),
      online: await feed.thread.memberCount(),
      ...feed.signals(hide, (reactions) => this.init.blocked.visibleReactions(reactions)),
      private: feed.thread.invite !== undefined,
      kept: await this.kept.has(feed.thread.topic),
      tabs: tabs.filter(
        (tab, i) => tabs.findIndex((t) => t.tabId === tab.tabId && t.origin === tab.origin) === i,
      ),
    }
  }

  /** A post written in the popup: the same room and DID the pages use. */
  async postFromPopup({ message, to, ...ref }: PopupPost): Promise<string> {
    return this.feedOf(ref).thread.post(message, to)
  }

  /** A reaction given (or taken back) in the popup, as the user's DID in that space. */
  async reactFromPopup({ postId, emoji, remove, ...ref }: PopupReaction): Promise<null> {
    const { thread } = this.feedOf(ref)
    await (remove === true ? thread.unreact(postId, emoji) : thread.react(postId, emoji))
    return null
  }

  /** The user types in the popup's composer (the thread paces what the room hears). */
  async typingFromPopup(ref: RoomRef): Promise<boolean> {
    return this.feedOf(ref).thread.typing()
  }

  /** Leaves a room for every tab in it; their threads close, and say why. */
  async leaveRoom(ref: RoomRef): Promise<number> {
    const { thread } = this.feedOf(ref)
    const leases = this.leasesOf(thread)
    await Promise.all(leases.map((lease) => this.init.leases.release(lease, 'left-in-popup')))
    this.prune()
    return leases.length
  }

  /**
   * A private room's invite, for the user to hand on: shown only to the popup, the
   * user's own view, when asked. A public room has none.
   */
  async roomInvite(ref: RoomRef): Promise<string> {
    const kept = ref.topic === undefined ? undefined : await this.kept.find(ref.topic)
    if (kept !== undefined) return kept.invite
    const { invite } = this.feedOf(ref).thread
    if (invite === undefined)
      throw new InvalidArgumentError(
        `"${ref.room}" is a public room: anyone who knows its name can join it, and it has no invite`,
      )
    return invite
  }

  /**
   * Keeps an open private room (its invite goes beside the seed, so the user can copy it
   * after every tab left), or forgets it (`keep: false`). Whether it is kept now.
   */
  async keepRoom({ keep, ...ref }: KeepRoomRequest): Promise<boolean> {
    if (!keep) {
      if (ref.topic !== undefined) await this.kept.forget(ref.topic)
      return false
    }
    const { thread } = this.feedOf(ref)
    if (thread.invite === undefined)
      throw new InvalidArgumentError(
        `"${ref.room}" is a public room: there is no invite to keep; anyone can join it by name`,
      )
    const { space, name: room, topic, invite } = thread
    await this.kept.keep({ space, room, topic, invite })
    return true
  }

  /** The kept private rooms, without their invites (roomInvite gives one when asked). */
  async keptRooms(): Promise<RoomRef[]> {
    return (await this.kept.list()).map(({ space, room, topic }) => ({ space, room, topic }))
  }

  /** The network and every room pages hold: members (exact), direct peers, sites, unread. */
  async status(): Promise<HostStatus> {
    this.prune()
    const network = await this.init.network()
    const byTopic = new Map<string, Lease[]>()
    for (const lease of this.init.leases.all())
      byTopic.set(lease.thread.topic, [...(byTopic.get(lease.thread.topic) ?? []), lease])
    const threads = await Promise.all(
      [...byTopic.values()].map(async (leases) => {
        const first = leases[0] as Lease
        // A room open on two nodes (two sites' relays): its direct peers on both.
        const nodes = new Set(leases.map((lease) => lease.thread))
        return {
          space: first.thread.space,
          room: first.thread.name,
          members: await first.thread.memberCount(),
          direct: [...nodes].reduce(
            (sum, thread) => sum + (network.roomLink(thread)?.directPeers ?? 0),
            0,
          ),
          owners: [...new Set(leases.map((lease) => lease.owner.origin))],
          unread: this.feeds.get(first.thread)?.unread((did) => this.init.blocked.has(did)) ?? 0,
          topic: first.thread.topic,
          private: first.thread.invite !== undefined,
        }
      }),
    )
    const heap = (performance as { memory?: { usedJSHeapSize?: number } }).memory?.usedJSHeapSize
    return { ...network.status(), threads, ...(heap === undefined ? {} : { jsHeapBytes: heap }) }
  }

  /** Feeds of rooms that closed (left by the last tab, or the network stopped) go. */
  prune(): void {
    for (const [thread, feed] of this.feeds) {
      if (thread.isOpen) continue
      feed.dispose()
      this.feeds.delete(thread)
    }
  }

  private leasesOf(thread: GhostThread): Lease[] {
    return this.init.leases.all().filter((lease) => lease.thread.topic === thread.topic)
  }

  /** The room by its topic when given; by its name, a public room only, when not. */
  private feedOf({ space, room, topic }: RoomRef): RoomFeed {
    this.prune()
    for (const feed of this.feeds.values()) {
      const { thread } = feed
      const named = thread.space === space && thread.name === room
      const same = topic === undefined ? thread.invite === undefined : thread.topic === topic
      if (named && same) return feed
    }
    throw new RoomNotOpenError(
      `No tab is in the room "${room}" of "${space}" any more; join it from a page to chat in it again`,
    )
  }
}
