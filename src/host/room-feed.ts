/**
 * The popup's view of one room, kept in the host's memory while the room is open: the
 * newest posts with sequence numbers (live, backlog and our own, once each), everyone seen
 * in the room, and how many posts arrived since the user last looked; the room's signals
 * (who types, reactions, seen marks) it reads from the thread when asked. It goes when the
 * room is left; nothing of it is written anywhere.
 */

import type { GhostThread } from '../core/ghost-thread.js'
import type { Post } from '../core/post.js'
import type { PostReactions } from '../core/post-reactions.js'
import { wokenOrAfter } from '../core/woken-or-after.js'
import { FEED_LIMIT } from '../shared/constants.js'
import { listenUntil } from '../shared/listen-until.js'
import type { FeedPost, RoomMember, RoomSignals } from '../shared/room-view.js'
import { SEEN_LIMIT } from './constants.js'

export class RoomFeed {
  private readonly entries: FeedPost[] = []
  private readonly ids = new Set<string>()
  private readonly seen = new Set<string>()
  private seq = 0
  private readSeq = 0
  /** Aborted on dispose: every listener on the thread goes with it. */
  private readonly stop = new AbortController()
  /** Requests waiting for a post newer than what they have (the popup's long poll). */
  private readonly waiters = new Set<() => void>()

  constructor(
    readonly thread: GhostThread,
    private readonly limit = FEED_LIMIT,
  ) {
    const { signal } = this.stop
    listenUntil(thread, 'message', (post) => this.add(post), signal)
    listenUntil(
      thread,
      'backlog-received',
      (backlog) => {
        for (const post of backlog.message) this.add(post)
      },
      signal,
    )
    listenUntil(thread, 'user-joined', (did) => this.see(did), signal)
    // A signal changes what the open view shows: its long poll answers at once.
    for (const event of ['typing', 'reactions', 'seen', 'members'] as const)
      listenUntil(thread, event, () => this.wake(), signal)
    // What the room held before the popup's feed began: the backlog the join fetched.
    void thread.getPosts().then(
      (posts) => {
        for (const post of posts) this.add(post)
        // They came before the user could look: not unread.
        this.readSeq = this.seq
      },
      () => undefined,
    )
  }

  /** Posts after `after`, oldest first; `hide` leaves out blocked authors. */
  postsAfter(after: number, hide: (author: string) => boolean): FeedPost[] {
    const start = this.entries.findIndex((entry) => entry.seq > after)
    if (start < 0) return []
    return this.entries.slice(start).filter((entry) => !hide(entry.post.author))
  }

  hiddenCount(hide: (author: string) => boolean): number {
    return this.entries.filter((entry) => hide(entry.post.author)).length
  }

  get latest(): number {
    return this.seq
  }

  /** Posts from others since the user last looked, blocked authors not counted. */
  unread(hide: (author: string) => boolean): number {
    let count = 0
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i] as FeedPost
      if (entry.seq <= this.readSeq) break
      if (entry.post.author !== this.thread.did && !hide(entry.post.author)) count++
    }
    return count
  }

  /** Resolves when a post newer than `after` is in the feed, after `ms`, or on dispose. */
  async newerThan(after: number, ms: number): Promise<void> {
    if (this.seq > after || ms <= 0) return
    await wokenOrAfter(ms, (wake) => {
      this.waiters.add(wake)
      return () => this.waiters.delete(wake)
    })
  }

  /** The user has seen every post up to `seq` (what the popup showed when it asked again). */
  markRead(seq: number): void {
    this.readSeq = Math.max(this.readSeq, Math.min(seq, this.seq))
  }

  /** Online members (ours first), then those seen here earlier. */
  async members(isBlocked: (did: string) => boolean): Promise<RoomMember[]> {
    const online = await this.thread.listMembersWithAddresses()
    const onlineSet = new Set(online.map((member) => member.did))
    const offline = [...this.seen].filter((did) => !onlineSet.has(did) && did !== this.thread.did)
    for (const { did } of online) this.see(did)
    return [
      ...online.map((member) => ({ ...member, online: true, blocked: isBlocked(member.did) })),
      ...offline.map((did) => ({ did, online: false, blocked: isBlocked(did) })),
    ]
  }

  /**
   * The room's signals as the popup shows them: who types and each post's reactions,
   * blocked members left out, and how many have seen the newest post.
   */
  signals(
    hide: (did: string) => boolean,
    visible: (reactions: PostReactions) => PostReactions,
  ): RoomSignals {
    const reactions: Record<string, PostReactions> = {}
    for (const { post } of this.entries) {
      const now = visible(this.thread.reactionsOf(post.postId))
      if (now.length > 0) reactions[post.postId] = now
    }
    const newest = this.entries.at(-1)?.post
    return {
      typing: this.thread.typingNow().filter((did) => !hide(did)),
      reactions,
      ...(newest === undefined
        ? {}
        : { seen: { postId: newest.postId, count: this.thread.seenBy(newest) } }),
    }
  }

  dispose(): void {
    this.stop.abort()
    this.wake()
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake()
  }

  private add(post: Post): void {
    if (this.ids.has(post.postId)) return
    this.ids.add(post.postId)
    this.see(post.author)
    this.entries.push({ seq: ++this.seq, post })
    while (this.entries.length > this.limit) {
      const dropped = this.entries.shift() as FeedPost
      this.ids.delete(dropped.post.postId)
    }
    this.wake()
  }

  private see(did: string): void {
    this.seen.delete(did)
    this.seen.add(did)
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string)
  }
}
