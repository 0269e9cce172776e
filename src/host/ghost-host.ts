/**
 * The host: the one place where rooms live. It holds the network (one libp2p node), the
 * identity (per-space signers; the seed never leaves this context) and every page's
 * leases on threads. The router asks it to act for a page only after checking that the
 * page's origin may use the space; the host checks that the page owns the thread.
 */

import { DEFAULT_BACKLOG_LIMIT } from '../core/constants.js'
import type { GhostThread } from '../core/ghost-thread.js'
import type { GhostSpace, GhostThreads } from '../core/ghost-threads.js'
import type { Identity } from '../core/identity.js'
import type { Post } from '../core/post.js'
import type { WalletLink } from '../core/schema.js'
import type { RoomLink } from '../net/space-network.js'
import {
  type DappParams,
  type DappResult,
  isSpaceMethod,
  type JoinedThread,
  type ParsedCall,
  requireDappRequest,
  type ThreadMethod,
} from '../shared/dapp-methods.js'
import { InvalidRequestError, UnauthorizedError } from '../shared/errors.js'
import type { HostStatus } from '../shared/messengers.js'
import { type Owner, type OwnerSelector, ownerKey } from '../shared/owner.js'
import type { Settings } from '../shared/settings.js'
import { withinLimit } from '../shared/thread-events.js'
import { BlockedAuthors } from './blocked-authors.js'
import { PAGE_MEMBERS_LISTED } from './constants.js'
import { type KeptRoomStore, KeptRooms } from './kept-rooms.js'
import { linkViewOf, viewEvent, viewMembers, viewPosts } from './link-view.js'
import { type Deliver, OwnerOutbox } from './owner-outbox.js'
import type { PortCall } from './page-ports.js'
import { PopupRooms } from './popup-rooms.js'
import { RoomStatusWatch } from './room-status-watch.js'
import { SpaceLinks } from './space-links.js'
import { type Lease, type ReleaseReason, ThreadLeases } from './thread-leases.js'

/** The network under the host: the real one is a libp2p node, tests may use a memory hub. */
export interface HostNetwork {
  /** Opens a space (on the real network, on that space's own node). */
  ghost: Pick<GhostThreads, 'openSpace'>
  applySettings(settings: Settings): Promise<void>
  status(): Omit<HostStatus, 'threads'>
  /** How one open room is connected now; undefined when no node runs it (it is closing). */
  roomLink(thread: GhostThread): RoomLink | undefined
  /** Dials every relay that is not connected now, instead of at its next backoff step. */
  redial(): void
  /**
   * The space for a site that named relays (and the user allowed them): its rooms run
   * through those beside the user's own, and no other site's rooms do.
   */
  openSpaceWith?(space: string, siteRelays: string[]): Promise<GhostSpace>
  stop(): Promise<void>
}

/** The master seed as words: shown on export, and a new identity on import. */
export interface RecoveryPhrases {
  exportPhrase(): Promise<string>
  /** Checks and stores the phrase's seed; resolves to what the host runs on from then on. */
  importPhrase(phrase: string): Promise<{ identity: Identity; network: Promise<HostNetwork> }>
}

export interface GhostHostInit {
  identity: Identity
  network: Promise<HostNetwork>
  deliver: Deliver
  /** The stored settings at start (the block list); later changes come by applySettings. */
  settings?: Promise<Settings>
  recovery?: RecoveryPhrases
  /** Where kept private rooms' invites are stored (kept-rooms.ts); memory when not given. */
  keptRooms?: KeptRoomStore
}

type ThreadHandlers = {
  [M in ThreadMethod]: (owner: Owner, params: DappParams<M>) => Promise<DappResult<M>>
}

export class GhostHost {
  private readonly leases: ThreadLeases
  private readonly outbox: OwnerOutbox
  private readonly blocked = new BlockedAuthors()
  private readonly statusWatch: RoomStatusWatch
  /** The rooms as the popup sees and acts on them (popup-rooms.ts). */
  readonly popup: PopupRooms
  /** Each space's wallet link (space-links.ts). */
  readonly links: SpaceLinks
  private identity: Identity
  private network: Promise<HostNetwork>
  private settingsApplied = false

  constructor(private readonly init: GhostHostInit) {
    this.identity = init.identity
    this.network = init.network
    void init.settings?.then(
      // A change applied meanwhile is newer than what was stored at start.
      (settings) => this.settingsApplied || this.blocked.replace(settings.blocked),
      () => undefined,
    )
    this.outbox = new OwnerOutbox(init.deliver, (owner) => {
      // The page is gone without the router noticing (it was asleep): leave its rooms.
      console.warn(`Ghost Threads: page ${ownerKey(owner)} cannot be reached; leaving its rooms`)
      void this.leases.releaseWhere({ owner: ownerKey(owner) })
    })
    this.leases = new ThreadLeases(
      (owner, event, lease) => {
        const unblocked = this.blocked.visibleEvent(event)
        const visible = unblocked === undefined ? undefined : viewEvent(lease.view, unblocked)
        if (visible !== undefined) this.outbox.push(owner, withinLimit(visible, lease.limit))
      },
      // A private room moved: the popup, the status watch and a kept invite follow it too.
      (lease, from) => {
        this.popup.opened(lease.thread)
        this.statusWatch.watch(lease.thread)
        const { topic, invite } = lease.thread
        if (invite === undefined) return
        this.popup.kept.moved(from.topic, { topic, invite }).catch((err: unknown) => {
          console.warn(
            'Ghost Threads: a kept private room moved; its new invite was not stored:',
            err,
          )
        })
      },
    )
    this.links = new SpaceLinks({
      network: () => this.network,
      threads: () => this.leases.all().map((lease) => lease.thread),
    })
    this.popup = new PopupRooms({
      leases: this.leases,
      blocked: this.blocked,
      network: () => this.network,
      kept: new KeptRooms(init.keptRooms),
    })
    this.statusWatch = new RoomStatusWatch({
      leases: () => this.leases.all(),
      link: async (thread) => (await this.network).roomLink(thread),
      tell: (lease, event) => this.leases.tell(lease, event),
    })
  }

  async did(space: string): Promise<string> {
    return (await this.identity.signerForSpace(space)).did
  }

  /**
   * A page's call on its threads. `allowedSpaces` are the spaces the router found the
   * page's origin allowed to use right now: a grant revoked since the join stops the page.
   */
  async call(
    owner: Owner,
    method: ThreadMethod,
    params: unknown,
    allowedSpaces: string[],
    spaceRelays: string[] = [],
    walletLink?: WalletLink,
  ) {
    const call = threadCall(method, params)
    if (call.method === 'joinThread') {
      if (!allowedSpaces.includes(call.params.space)) throw new UnauthorizedError()
      if (walletLink !== undefined) await this.links.restore(call.params.space, walletLink)
      return this.join(owner, call.params, spaceRelays)
    } else {
      const lease = this.leases.get(call.params.thread, owner)
      if (!allowedSpaces.includes(lease.thread.space)) {
        await this.leases.release(lease, 'revoked')
        throw new UnauthorizedError(
          `This site's permission for the space "${lease.thread.space}" was revoked; call openSpace() to ask the user again`,
        )
      }
    }
    return this.serve(owner, call)
  }

  /**
   * A page's call on a thread it holds, from its own port (see shared/host-port.ts), as
   * the port parsed it (page-ports.ts). The lease is the authority: it was made after the
   * router's permission check, and a revoked permission ends it (later calls on it fail
   * with 4100).
   */
  async callOnLease(owner: Owner, call: PortCall): Promise<unknown> {
    return this.serve(owner, call)
  }

  /** The one place a parsed call meets its handler (TypeScript cannot pair the union). */
  private serve<M extends ThreadMethod>(owner: Owner, call: ParsedCall & { method: M }) {
    const handler = this.handlers[call.method] as ThreadHandlers[M]
    return handler(owner, call.params as DappParams<M>)
  }

  async release(selector: OwnerSelector, reason?: ReleaseReason): Promise<number> {
    return this.leases.releaseWhere(selector, reason)
  }

  async applySettings(settings: Settings): Promise<void> {
    this.settingsApplied = true
    this.blocked.replace(settings.blocked)
    await (await this.network).applySettings(settings)
  }

  async redial(): Promise<void> {
    ;(await this.network).redial()
  }

  async exportPhrase(): Promise<string> {
    return this.recovery().exportPhrase()
  }

  /**
   * Replaces the identity with the phrase's. A wrong phrase changes nothing. Every open
   * thread ends (its DID is no longer ours) and the network restarts on the new identity.
   */
  async importPhrase(phrase: string): Promise<void> {
    const next = await this.recovery().importPhrase(phrase)
    await this.leases.releaseWhere({ all: true }, 'identity-changed')
    this.popup.prune()
    const previous = this.network
    this.identity = next.identity
    this.network = next.network
    // A network that never started has nothing to stop.
    await previous.then((network) => network.stop()).catch(() => undefined)
    await this.network
  }

  async stop(): Promise<void> {
    this.statusWatch.stop()
    await this.leases.releaseWhere({ all: true })
    this.popup.prune()
    await (await this.network).stop()
  }

  /**
   * What a page joining a room another tab holds would have heard had it joined first:
   * the members already here and the room's backlog (an empty one too), as its own events.
   */
  private async greet(lease: Lease): Promise<void> {
    const { thread, handle } = lease
    for (const member of await thread.listMembersWithAddresses()) {
      if (member.did === thread.did) continue
      const { address, linkedOn } = member
      const linked = address === undefined || linkedOn === undefined ? {} : { address, linkedOn }
      this.leases.tell(lease, { thread: handle, kind: 'user-joined', did: member.did, ...linked })
    }
    // The room may have closed meanwhile (its members can come from the relay, a crowd's).
    if (!thread.isOpen) return
    const message = await thread.getPosts()
    this.leases.tell(lease, {
      thread: handle,
      kind: 'backlog-received',
      backlog: { type: 'backlog', message },
    })
  }

  private thread(owner: Owner, handle: string) {
    return this.leases.get(handle, owner).thread
  }

  /** Posts as this page may see them: not blocked, with accounts linked on its site. */
  private visible(lease: Lease, posts: Post[]): Post[] {
    return viewPosts(lease.view, this.blocked.visiblePosts(posts))
  }

  /**
   * The members this page sees, with accounts linked on its site (linkedOnly: only
   * those), ours first, at most PAGE_MEMBERS_LISTED: a crowd's whole list is megabytes
   * on every call; `memberCount` says how many there are.
   */
  private async members(owner: Owner, handle: string) {
    const lease = this.leases.get(handle, owner)
    const seen = viewMembers(lease.view, await lease.thread.listMembersWithAddresses())
    return seen.slice(0, PAGE_MEMBERS_LISTED)
  }

  private recovery(): RecoveryPhrases {
    if (this.init.recovery === undefined)
      throw new Error('This host has no stored seed to export or replace')
    return this.init.recovery
  }

  /** A page joins a room; through the relays its site named, when it named some. */
  private async join(
    owner: Owner,
    params: DappParams<'joinThread'>,
    siteRelays: string[] = [],
  ): Promise<JoinedThread> {
    const { space, room, ghostBacklogLimit, linkedOnly, linkChainId } = params
    const network = await this.network
    const opened =
      siteRelays.length > 0 && network.openSpaceWith !== undefined
        ? await network.openSpaceWith(space, siteRelays)
        : await network.ghost.openSpace(space)
    const limit = ghostBacklogLimit ?? DEFAULT_BACKLOG_LIMIT
    const thread = await joinedRoom(opened, params, limit)
    const heldBefore = this.leases.all().some((held) => held.thread === thread)
    let lease: Lease
    try {
      lease = this.leases.open(
        owner,
        thread,
        linkViewOf(owner.origin, thread.did, { linkedOnly, linkChainId }),
        limit,
      )
    } catch (err) {
      // Refused a handle: a room this page alone had just joined is left again.
      if (!heldBefore) await thread.close()
      throw err
    }
    this.popup.opened(thread)
    // A room another tab holds caught up long ago: this tab is told what the first one was.
    if (heldBefore) void this.greet(lease)
    this.statusWatch.watch(thread)
    const invite = thread.invite === undefined ? {} : { invite: thread.invite }
    return { thread: lease.handle, did: thread.did, space, room, ...invite }
  }

  private readonly handlers: ThreadHandlers = {
    joinThread: (owner, params) => this.join(owner, params),
    getPosts: async (owner, { thread, n }) => {
      const lease = this.leases.get(thread, owner)
      // Blocked and unlinked posts go first, so the page gets its whole count of the rest.
      const count = Math.min(n ?? lease.limit, lease.limit)
      return this.visible(lease, await lease.thread.getPosts()).slice(-count)
    },
    requestBacklog: async (owner, { thread }) => {
      const lease = this.leases.get(thread, owner)
      return this.visible(lease, await lease.thread._requestBacklog()).slice(-lease.limit)
    },
    post: async (owner, { thread, message, to }) => this.thread(owner, thread).post(message, to),
    listMembers: async (owner, { thread }) =>
      (await this.members(owner, thread)).map((member) => member.did),
    listMembersWithAddresses: async (owner, { thread }) => this.members(owner, thread),
    typing: async (owner, { thread }) => this.thread(owner, thread).typing(),
    react: async (owner, { thread, postId, emoji, remove }) => {
      const held = this.thread(owner, thread)
      await (remove === true ? held.unreact(postId, emoji) : held.react(postId, emoji))
      return null
    },
    memberCount: async (owner, { thread }) => this.thread(owner, thread).memberCount(),
    // The lease follows the room to its new invite (thread-leases.ts) before this resolves.
    rotateInvite: async (owner, { thread, remove }) =>
      this.thread(owner, thread).rotateInvite(remove === undefined ? {} : { remove }),
    closeThread: async (owner, { thread }) => {
      await this.leases.release(this.leases.get(thread, owner))
      return null
    },
  }
}

/** The room a join names: public, private by its invite, or a new private room. */
async function joinedRoom(
  space: GhostSpace,
  { room, invite, createPrivate }: DappParams<'joinThread'>,
  ghostBacklogLimit: number,
): Promise<GhostThread> {
  if (invite !== undefined && createPrivate === true)
    throw new InvalidRequestError(
      'joinThread takes an invite (to join a private room) or createPrivate (to make one), not both',
    )
  if (createPrivate === true)
    return (await space.createPrivateThread(room, { ghostBacklogLimit })).thread
  return space.joinThread(room, { ghost: true, ghostBacklogLimit, ...(invite ? { invite } : {}) })
}

/** Parsed again here: the host trusts the router's word on who calls, not on the shape. */
function threadCall(method: ThreadMethod, params: unknown): ParsedCall & { method: ThreadMethod } {
  const parsed = requireDappRequest(method, params)
  if (isSpaceMethod(parsed.method))
    throw new InvalidRequestError(`${parsed.method} is the router's, not a thread call`)
  return parsed as ParsedCall & { method: ThreadMethod }
}
