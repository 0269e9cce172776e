/**
 * The 3IP-9 GhostThread surface, once: the events, the sugar over them, client-side
 * filters and the operations ghost threads refuse. The engine's `GhostThread` and the
 * page's `PageThread` (src/inpage) both extend it, so a dapp meets the same behaviour and
 * messages in either, and each declares only how it posts, reads and closes.
 */

import { EventEmitter } from 'eventemitter3'
import type { ClosedReason } from './closed-reason.js'
import { DELIVERIES_KEPT } from './constants.js'
import { InvalidArgumentError, UnsupportedOperationError } from './errors.js'
import type { LinkScope } from './link-scope.js'
import type { MissedPosts } from './missed-posts.js'
import type { Post } from './post.js'
import { type PostFilter, PostFilters } from './post-filters.js'
import type { PostReactions } from './post-reactions.js'
import { type SeenMark, type SignalDisplay, SignalView } from './signal-view.js'
import type { Delivery } from './transport.js'

export interface BacklogEvent {
  type: 'backlog'
  message: Post[]
}

export interface GhostThreadEvents {
  message: [post: Post]
  /** `address`: the account the member's wallet link names, when it verified; `linkedOn`: where. */
  'user-joined': [did: string, address?: string, linkedOn?: LinkScope]
  'user-left': [did: string]
  'backlog-received': [event: BacklogEvent]
  /**
   * What became of one of our posts (transport.ts `Delivery`): `sent` or `queued` as
   * post() hands it on, then `sent` or `dropped` for a queued one.
   */
  delivery: [postId: string, delivery: Delivery]
  /**
   * Back from being away, the catch-up could not bring everything: posts dated between
   * `after` and `before` (seconds) may be missing (missed-posts.ts).
   */
  missed: [gap: MissedPosts]
  /**
   * A member started (`true`) or stopped typing: stopped when its signals stop for a few
   * seconds (TYPING_SHOWN_MS), when it posts, or when it leaves.
   */
  typing: [did: string, typing: boolean]
  /** A post's reactions changed (or came with the backlog): all of them, as they stand now. */
  reactions: [postId: string, reactions: PostReactions]
  /** A member's newest seen post: `seenBy(post)` counts the members whose mark is at or past it. */
  seen: [did: string, mark: SeenMark]
  /** How many members are online now, us included (batched: one event for a crowd's joins). */
  members: [count: number]
  /**
   * A private room moved to a new invite (its creator rotated it, keeping us): the thread
   * goes on there; hand on the new invite, the old one reads nothing sent after.
   */
  moved: [invite: string]
  /** The thread ended, and why; its last event (closed-reason.ts). */
  closed: [reason: ClosedReason]
}

const REFUSALS = {
  deletePost: 'Ghost threads keep nothing to delete: posts vanish when everyone leaves',
  addModerator: 'Ghost threads have no moderators; use addFilter() to hide posts',
  listModerators: 'Ghost threads have no moderators; use addFilter() to hide posts',
  addMember: 'Ghost threads are open rooms: anyone who joins is a member',
} as const

/** 3IP-9: what persistent threads can do and ghost threads cannot fails with a named error. */
export function refusal(operation: keyof typeof REFUSALS): UnsupportedOperationError {
  return new UnsupportedOperationError(REFUSALS[operation])
}

export abstract class ThreadSurface extends EventEmitter<GhostThreadEvents> {
  /** 3IP-9 client-side filters: a post any filter refuses is never emitted nor kept. */
  protected readonly filters = new PostFilters()
  /** What became of our newest posts, by postId (the `delivery` events), oldest first. */
  private readonly deliveries = new Map<string, Delivery>()
  /** The room's signals as this thread emitted them (signal-view.ts). */
  protected readonly signals = new SignalView()
  /** The callbacks onUpdate and onNewCapabilities registered last: a later call replaces them (3box). */
  private readonly registered = new Map<'update' | 'capabilities', () => void>()

  /** Listens to one of the thread's events; a name it never emits is refused, not ignored. */
  override on<E extends EventEmitter.EventNames<GhostThreadEvents>>(
    event: E,
    listener: EventEmitter.EventListener<GhostThreadEvents, E>,
    context?: unknown,
  ): this {
    assertEvent('on', event)
    return super.on(event, listener, context)
  }

  override once<E extends EventEmitter.EventNames<GhostThreadEvents>>(
    event: E,
    listener: EventEmitter.EventListener<GhostThreadEvents, E>,
    context?: unknown,
  ): this {
    assertEvent('once', event)
    return super.once(event, listener, context)
  }

  override addListener<E extends EventEmitter.EventNames<GhostThreadEvents>>(
    event: E,
    listener: EventEmitter.EventListener<GhostThreadEvents, E>,
    context?: unknown,
  ): this {
    return this.on(event, listener, context)
  }

  /** 3box's `space.js` branches on it: every thread here is a ghost thread. */
  get isGhost(): true {
    return true
  }

  /** 3IP-9 `post(message, to?)`: broadcasts, or sends directly to the member `to` (a DID). */
  abstract post(message: unknown, to?: string): Promise<string>
  /** 3IP-9 `getPosts(n?)`: the newest `n` posts held, oldest first. */
  abstract getPosts(n?: number): Promise<Post[]>
  /** 3IP-9 `listMembers()`: the DIDs online in this room, ours first. */
  abstract listMembers(): Promise<string[]>
  /** 3IP-9 `_requestBacklog()`: asks peers again; resolves to (and emits) what they sent. */
  abstract _requestBacklog(): Promise<Post[]>
  /**
   * 3IP-9 `close()`: leaves the room, emitting `closed` with `'closed'`. Resolves to why
   * the thread is closed: `'closed'`, or the reason it had ended for before (calling it
   * again changes nothing).
   */
  abstract close(): Promise<ClosedReason>
  /** Why the thread ended; undefined while it is open. */
  abstract get closedReason(): ClosedReason | undefined
  /**
   * Says the user is typing; call it on every keystroke. A signal goes out at most every
   * few seconds (and not while several others type already); resolves to whether one went.
   */
  abstract typing(): Promise<boolean>
  /** Puts one emoji on a post (a `postId`); everyone sees the counts (`reactions` event). */
  abstract react(postId: string, emoji: string): Promise<void>
  /** Takes our emoji off a post again. */
  abstract unreact(postId: string, emoji: string): Promise<void>
  /** How many members are online, us included: exact at any size (listMembers() is capped). */
  abstract memberCount(): Promise<number>

  /** The DIDs typing now (each `typing` event keeps it current). */
  typingNow(): string[] {
    return this.signals.typingNow()
  }

  /** A post's reactions as they stand (empty when it has none, or is long gone). */
  reactionsOf(postId: string): PostReactions {
    return this.signals.reactionsOf(postId)
  }

  /** How many members besides its author and us have seen the post. */
  seenBy(post: Pick<Post, 'postId' | 'timestamp' | 'author'>): number {
    return this.signals.seenBy(post, this.did)
  }

  /** Our DID in this room's space. */
  abstract readonly did: string

  /**
   * 3IP-9 `onUpdate`: posts and backlog arrivals, in one callback. As in 3box, a later call
   * replaces the callback an earlier one registered (a dapp that registers on every render
   * hears each post once); `on('message' | 'backlog-received', …)` adds listeners. Returns
   * the remover.
   */
  onUpdate(callback: (update: Post | BacklogEvent) => void): () => void {
    assertCallback('onUpdate', callback)
    return this.register('update', { message: callback, 'backlog-received': callback })
  }

  /**
   * 3IP-9 `onNewCapabilities`: `('joined' | 'left', did)`. A later call replaces the
   * callback, as onUpdate's does. Returns the remover.
   */
  onNewCapabilities(callback: (event: 'joined' | 'left', did: string) => void): () => void {
    assertCallback('onNewCapabilities', callback)
    return this.register('capabilities', {
      'user-joined': (did) => callback('joined', did),
      'user-left': (did) => callback('left', did),
    })
  }

  /**
   * What became of one of our recent posts: `sent`, `queued` (held while nobody in the
   * room can be reached), or `dropped` (nobody could be reached in time); undefined for a
   * post that is not ours or is long gone. Set by the time post() resolves.
   */
  deliveryOf(postId: string): Delivery | undefined {
    return this.deliveries.get(postId)
  }

  /** Records what became of our post and tells the listeners. */
  protected emitDelivery(postId: string, delivery: Delivery): void {
    this.deliveries.delete(postId)
    this.deliveries.set(postId, delivery)
    for (const oldest of this.deliveries.keys()) {
      if (this.deliveries.size <= DELIVERIES_KEPT) break
      this.deliveries.delete(oldest)
    }
    this.emit('delivery', postId, delivery)
  }

  addFilter(filter: PostFilter): () => boolean {
    return this.filters.add(filter)
  }

  removeFilter(filter: PostFilter): boolean {
    return this.filters.remove(filter)
  }

  /** Refused like every operation below, through the promise (3box's were async too). */
  async deletePost(_postId?: string): Promise<never> {
    throw refusal('deletePost')
  }

  async addModerator(_did?: string): Promise<never> {
    throw refusal('addModerator')
  }

  async listModerators(): Promise<never> {
    throw refusal('listModerators')
  }

  async addMember(_did?: string): Promise<never> {
    throw refusal('addMember')
  }

  /**
   * Records a signal in the view and tells the listeners (a typing word or a count that
   * changes nothing is not told): how either thread shows what its room signals.
   */
  protected readonly display: SignalDisplay = {
    typing: (did, typing) => {
      if (this.signals.typing(did, typing)) this.emit('typing', did, typing)
    },
    reactions: (postId, reactions) => {
      this.signals.reacted(postId, reactions)
      this.emit('reactions', postId, reactions)
    },
    seen: (did, mark) => {
      if (this.signals.seen(did, mark)) this.emit('seen', did, mark)
    },
    memberCount: (count) => {
      if (this.signals.count === count) return
      this.signals.count = count
      this.emit('members', count)
    },
  }

  /** Tells the listeners the thread ended, then lets them all go (its last event). */
  protected endWith(reason: ClosedReason): void {
    this.signals.clear()
    this.emit('closed', reason)
    this.removeAllListeners()
  }

  /** With no event named (a thread closing), what onUpdate and onNewCapabilities registered goes too. */
  override removeAllListeners(event?: EventEmitter.EventNames<GhostThreadEvents>): this {
    if (event === undefined) this.registered.clear()
    return super.removeAllListeners(event)
  }

  /** Adds `listeners` in `slot`'s place, removing what an earlier call put there. */
  private register(slot: 'update' | 'capabilities', listeners: Listeners): () => void {
    this.registered.get(slot)?.()
    // Each entry pairs an event with its own listener type (Listeners); the map loses that.
    const entries = Object.entries(listeners) as [keyof GhostThreadEvents, never][]
    for (const [event, listener] of entries) this.on(event, listener)
    const remove = () => {
      for (const [event, listener] of entries) this.off(event, listener)
      if (this.registered.get(slot) === remove) this.registered.delete(slot)
    }
    this.registered.set(slot, remove)
    return remove
  }
}

type Listeners = { [E in keyof GhostThreadEvents]?: (...args: GhostThreadEvents[E]) => void }

/**
 * Every event a thread emits, checked against GhostThreadEvents by the compiler:
 * `on('bogus')` once listened for nothing, silently (issue 22).
 */
const THREAD_EVENTS: Record<keyof GhostThreadEvents, true> = {
  message: true,
  'user-joined': true,
  'user-left': true,
  'backlog-received': true,
  delivery: true,
  missed: true,
  typing: true,
  reactions: true,
  seen: true,
  members: true,
  moved: true,
  closed: true,
}

function assertEvent(method: string, event: unknown): void {
  if (typeof event === 'string' && Object.hasOwn(THREAD_EVENTS, event)) return
  throw new InvalidArgumentError(
    `thread.${method} takes one of the thread's events: ${Object.keys(THREAD_EVENTS).join(', ')}; got ${JSON.stringify(String(event)).slice(0, 60)}`,
  )
}

function assertCallback(method: string, callback: unknown): void {
  if (typeof callback !== 'function')
    throw new InvalidArgumentError(`${method} takes a function, called with every update`)
}
