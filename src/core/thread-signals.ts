/**
 * A thread's live signals (issue 24, wire 2.1): `typing`, `react` and `seen`, sent and
 * received. None is kept with the posts or handed out as backlog, except the reactions
 * standing on recent posts (a newcomer's counts, in the backlog answer after the posts).
 * Traffic stays bounded as the room grows: typing goes quiet while several others type
 * (TYPING_CROWD), seen marks are paced by the room's size (ROOM_SEEN_PER_SECOND), and
 * receivers take each signal type from a DID only at its own rate (SIGNAL_RATE_LIMITS).
 */
import {
  MEMBER_COUNT_BATCH_MS,
  ROOM_SEEN_PER_SECOND,
  SEEN_MIN_INTERVAL_MS,
  SIGNAL_RATE_LIMITS,
  TYPING_CROWD,
  TYPING_REPEAT_MS,
  TYPING_SHOWN_MS,
} from './constants.js'
import { RateLimitedError } from './errors.js'
import type { SignedClaims, UnsignedClaims } from './jwt.js'
import type { Post } from './post.js'
import { RateLimiter } from './rate-limit.js'
import { ReactionBook } from './reaction-book.js'
import type { ReactClaims, SignalClaims } from './schema.js'
import type { SeenMark, SignalDisplay } from './signal-view.js'
import { checkedReaction } from './thread-arguments.js'
import type { TimerSet } from './timer-set.js'
import type { PubSubTransport } from './transport.js'
import { encodeUtf8 } from './utf8.js'

export interface ThreadSignalsInit {
  topic: string
  did: string
  transport: PubSubTransport
  timers: TimerSet
  now: () => number
  sign: <C extends UnsignedClaims>(claims: C) => Promise<{ jwt: string; claims: SignedClaims<C> }>
  /** Members online, us included. */
  roomSize: () => number
  isMember: (did: string) => boolean
  show: SignalDisplay
  /** Who the thread shows typing now (the view keeps it; each `show.typing` changes it). */
  typingNow: () => readonly string[]
  /** For the first seen mark's place in its interval; injectable for tests. */
  random?: () => number
}

export class ThreadSignals {
  private readonly reactionBook = new ReactionBook()
  private readonly ownReactions: RateLimiter
  private lastTypingMs = Number.NEGATIVE_INFINITY
  /** Our newest seen post, and the one we last said. */
  private newestSeen: SeenMark | undefined
  private saidSeen: SeenMark | undefined
  private lastSeenMs = Number.NEGATIVE_INFINITY
  private firstMarkAtMs: number | undefined

  private readonly init: Required<ThreadSignalsInit>

  constructor(init: ThreadSignalsInit) {
    this.init = { random: Math.random, ...init }
    this.ownReactions = new RateLimiter(SIGNAL_RATE_LIMITS.react, init.now)
  }

  /**
   * The user is typing: a signal at most every TYPING_REPEAT_MS, none while TYPING_CROWD
   * others type already or nobody can hear it (a signal is never queued: late, it lies).
   */
  async typing(): Promise<boolean> {
    const nowMs = this.init.now()
    if (nowMs - this.lastTypingMs < TYPING_REPEAT_MS) return false
    if (this.init.typingNow().length >= TYPING_CROWD) return false
    if (this.init.transport.subscribers(this.init.topic).length === 0) return false
    this.lastTypingMs = nowMs
    const { jwt } = await this.init.sign({ type: 'typing' as const, room: this.init.topic })
    await this.init.transport.publish(this.init.topic, encodeUtf8(jwt))
    return true
  }

  /** Puts our `emoji` on the post, or takes it off (`on` false); a no-op when it is so already. */
  async react(post: unknown, reaction: unknown, on: boolean): Promise<void> {
    const { postId, emoji } = checkedReaction(post, reaction)
    if (this.reactionBook.has(postId, emoji, this.init.did) === on) return
    if (!this.ownReactions.take(this.init.did))
      throw new RateLimitedError(
        `Reacting faster than rooms accept (${SIGNAL_RATE_LIMITS.react.perSecond} a second, ${SIGNAL_RATE_LIMITS.react.burst} at once); wait a moment`,
      )
    const { jwt, claims } = await this.init.sign({
      type: 'react' as const,
      room: this.init.topic,
      post: postId,
      emoji,
      on,
    })
    this.takeReaction(claims, jwt)
    // Queued while nobody hears it, like a post: a reaction is state, not a moment.
    await this.init.transport.publish(this.init.topic, encodeUtf8(jwt))
  }

  /** A verified signal from the room. */
  receive(claims: SignalClaims, jwt: string): void {
    if (claims.iss === this.init.did) return
    switch (claims.type) {
      case 'typing':
        if (!this.init.isMember(claims.iss)) return
        this.init.show.typing(claims.iss, true)
        this.init.timers.only(`typing ${claims.iss}`, TYPING_SHOWN_MS, () =>
          this.stopped(claims.iss),
        )
        break
      case 'react':
        this.takeReaction(claims, jwt)
        break
      case 'seen':
        // The view keeps each member's newest mark, and refuses one that moves back.
        this.init.show.seen(claims.iss, { postId: claims.post, at: claims.at })
        break
    }
  }

  /** Reactions a backlog answer held: each post's new counts are told once. */
  reactionsCame(reactions: { claims: ReactClaims; jwt: string }[]): void {
    const changed = new Set<string>()
    for (const { claims, jwt } of reactions)
      if (this.reactionBook.take(claims, jwt)) changed.add(claims.post)
    for (const postId of changed)
      this.init.show.reactions(postId, this.reactionBook.of(postId, this.init.did))
  }

  /** The signed reactions we hold, for a newcomer's answer. */
  reactionJwts(): string[] {
    return this.reactionBook.jwtsOn(this.reactionBook.postIds())
  }

  /** A member posted (or we did): its typing ends; ours may start again at once. */
  posted(did: string): void {
    if (did === this.init.did) this.lastTypingMs = Number.NEGATIVE_INFINITY
    else this.stopped(did)
  }

  /** A member left: its typing ends, and the count changes. */
  left(did: string): void {
    this.stopped(did)
    this.membersChanged()
  }

  /** Someone came or went: the count is told once the moment's changes are in. */
  membersChanged(): void {
    this.init.timers.only('member count', MEMBER_COUNT_BATCH_MS, () =>
      this.init.show.memberCount(this.init.roomSize()),
    )
  }

  /**
   * Posts reached our page: our newest seen post moves on, and is said once the room's
   * pace allows (one mark per `members / ROOM_SEEN_PER_SECOND` seconds, at least
   * SEEN_MIN_INTERVAL_MS), and only when it changed.
   */
  reached(posts: readonly Post[]): void {
    for (const post of posts) {
      if (post.to !== undefined) continue
      if (this.newestSeen === undefined || post.timestamp >= this.newestSeen.at)
        this.newestSeen = { postId: post.postId, at: post.timestamp }
    }
    if (this.newestSeen === undefined || this.newestSeen.postId === this.saidSeen?.postId) return
    const intervalMs = Math.max(
      SEEN_MIN_INTERVAL_MS,
      (this.init.roomSize() * 1000) / ROOM_SEEN_PER_SECOND,
    )
    // The first mark waits a random part of the interval: a room that joined together (or
    // read the same first post) spreads its marks instead of sending them all at once
    // (bench:scale, 100 members: 2.2 KB/s of first marks each, 0.5 KB/s spread).
    const waitMs =
      this.lastSeenMs === Number.NEGATIVE_INFINITY
        ? this.firstWait(intervalMs)
        : Math.max(0, this.lastSeenMs + intervalMs - this.init.now())
    this.init.timers.only('seen', waitMs, () => void this.saySeen())
  }

  /** Chosen once: later posts before the first mark do not push it further away. */
  private firstWait(intervalMs: number): number {
    this.firstMarkAtMs ??= this.init.now() + this.init.random() * intervalMs
    return Math.max(0, this.firstMarkAtMs - this.init.now())
  }

  clear(): void {
    this.reactionBook.clear()
  }

  private async saySeen(): Promise<void> {
    const mark = this.newestSeen
    if (mark === undefined || mark.postId === this.saidSeen?.postId) return
    // Nobody to tell: said when the next post comes (a mark is never queued).
    if (this.init.transport.subscribers(this.init.topic).length === 0) return
    this.saidSeen = mark
    this.lastSeenMs = this.init.now()
    const { jwt } = await this.init.sign({
      type: 'seen' as const,
      room: this.init.topic,
      post: mark.postId,
      at: mark.at,
    })
    await this.init.transport.publish(this.init.topic, encodeUtf8(jwt))
  }

  private takeReaction(claims: ReactClaims, jwt: string): void {
    if (this.reactionBook.take(claims, jwt))
      this.init.show.reactions(claims.post, this.reactionBook.of(claims.post, this.init.did))
  }

  /** Its typing ends (told only if it was shown typing: the view says what changed). */
  private stopped(did: string): void {
    this.init.timers.cancel(`typing ${did}`)
    this.init.show.typing(did, false)
  }
}
