import { BACKLOG_MAX_AGE_S } from './constants.js'
import type { Post } from './post.js'

export interface HeldPost {
  post: Post
  /** Kept so the post can be handed to late joiners, who verify it themselves. */
  jwt: string
}

/** A held post and the second that places it: its `iat`, or when it reached us if earlier. */
interface HeldEntry extends HeldPost {
  placeS: number
}

/**
 * A thread's recent posts: the last `limit` chat posts of a room, oldest first, in memory
 * only (3IP-9 "Saves all messages in local cache"). What a thread hands a newcomer as its
 * backlog, and what getPosts() reads. Posts from backlog answers can be older than what is
 * already held, so this is a sorted, bounded list rather than an append-only ring; a post
 * goes after every held post of the same second (arrival order), unless the answer that
 * brought it placed it before one (`before`). Direct messages never enter it.
 *
 * An entry is placed by its `iat`, or by the second it reached us when that is earlier:
 * a post dated ahead of our clock (within the allowed skew) sits where it arrived. Placed
 * by `iat` alone, 50 posts dated 29 s ahead filled the store's newest end, and every
 * honest post for the next 29 s sorted before all of them and was not kept.
 */
export class RecentPosts {
  private entries: HeldEntry[] = []
  private readonly ids = new Set<string>()

  constructor(
    private keep: number,
    private readonly maxAgeS = BACKLOG_MAX_AGE_S,
  ) {}

  /** How many posts are kept. */
  get limit(): number {
    return this.keep
  }

  /** Keeps at least `limit` posts from now on (two tabs of one room with different limits). */
  keepAtLeast(limit: number): void {
    this.keep = Math.max(this.keep, limit)
  }

  has(postId: string): boolean {
    return this.ids.has(postId)
  }

  /**
   * Adds a post; false when it was known already, or is too old or too far down to keep.
   * `beside`: the posts around it in the answer that brought it; within one second, that
   * order wins over arrival (an answer's first post arriving after the rest came live).
   */
  add(entry: HeldPost, nowMs: number, beside: { after?: string; before?: string } = {}): boolean {
    if (entry.post.to !== undefined) throw new Error('direct messages never enter the backlog')
    if (this.ids.has(entry.post.postId)) return false
    this.prune(nowMs)
    if (entry.post.timestamp < nowMs / 1000 - this.maxAgeS) return false
    const placeS = Math.min(entry.post.timestamp, Math.floor(nowMs / 1000))
    let index = this.entries.length
    while (index > 0 && (this.entries[index - 1] as HeldEntry).placeS > placeS) index--
    const sameSecond = (postId: string | undefined) => {
      const at = this.entries.findIndex((held) => held.post.postId === postId)
      return at !== -1 && (this.entries[at] as HeldEntry).placeS === placeS ? at : undefined
    }
    const after = sameSecond(beside.after)
    const before = after === undefined ? sameSecond(beside.before) : undefined
    if (after !== undefined) index = after + 1
    else if (before !== undefined) index = before
    if (index === 0 && this.entries.length >= this.limit) return false
    this.entries.splice(index, 0, { ...entry, placeS })
    this.ids.add(entry.post.postId)
    while (this.entries.length > this.limit) this.forget(this.entries.shift())
    return true
  }

  /** The newest `n` posts (all by default), oldest first. */
  recent(nowMs: number, n = this.limit): Post[] {
    this.prune(nowMs)
    return this.entries.slice(Math.max(0, this.entries.length - n)).map((entry) => entry.post)
  }

  /** The held posts' JWTs, oldest first; only those dated from `sinceS` on, if given. */
  jwts(nowMs: number, sinceS = Number.NEGATIVE_INFINITY): string[] {
    this.prune(nowMs)
    return this.entries.filter((entry) => entry.post.timestamp >= sinceS).map((entry) => entry.jwt)
  }

  clear(): void {
    this.entries = []
    this.ids.clear()
  }

  get size(): number {
    return this.entries.length
  }

  private prune(nowMs: number): void {
    const oldestS = nowMs / 1000 - this.maxAgeS
    // By `iat`, not by place: a post placed early may carry a later `iat`.
    if (this.entries.every((held) => held.post.timestamp >= oldestS)) return
    for (const held of this.entries) if (held.post.timestamp < oldestS) this.forget(held)
    this.entries = this.entries.filter((held) => held.post.timestamp >= oldestS)
  }

  private forget(entry: HeldPost | undefined): void {
    if (entry !== undefined) this.ids.delete(entry.post.postId)
  }
}
