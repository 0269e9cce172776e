import { BACKLOG_MAX_AGE_S } from './constants.js'
import type { Post } from './post.js'

export interface BacklogEntry {
  post: Post
  /** Kept so the entry can be handed to late joiners, who verify it themselves. */
  jwt: string
}

/** A held entry and the second that places it: its `iat`, or when it reached us if earlier. */
interface HeldEntry extends BacklogEntry {
  placeS: number
}

/**
 * The last `limit` chat posts of a room, oldest first, in memory only (3IP-9 "Saves all
 * messages in local cache"). Entries from backlog answers can be older than what is
 * already held, so this is a sorted, bounded list rather than an append-only ring; an
 * entry goes after every held entry of the same second, which keeps arrival order.
 * Direct messages never enter it.
 *
 * An entry is placed by its `iat`, or by the second it reached us when that is earlier:
 * a post dated ahead of our clock (within the allowed skew) sits where it arrived. Placed
 * by `iat` alone, 50 posts dated 29 s ahead filled the store's newest end, and every
 * honest post for the next 29 s sorted before all of them and was not kept.
 */
export class PostBacklog {
  private entries: HeldEntry[] = []
  private readonly ids = new Set<string>()

  constructor(
    readonly limit: number,
    private readonly maxAgeS = BACKLOG_MAX_AGE_S,
  ) {}

  has(postId: string): boolean {
    return this.ids.has(postId)
  }

  /** Adds an entry; false when it was known already, or is too old or too far down to keep. */
  add(entry: BacklogEntry, nowMs: number): boolean {
    if (entry.post.to !== undefined) throw new Error('direct messages never enter the backlog')
    if (this.ids.has(entry.post.postId)) return false
    this.prune(nowMs)
    if (entry.post.timestamp < nowMs / 1000 - this.maxAgeS) return false
    const placeS = Math.min(entry.post.timestamp, Math.floor(nowMs / 1000))
    let index = this.entries.length
    while (index > 0 && (this.entries[index - 1] as HeldEntry).placeS > placeS) index--
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

  jwts(nowMs: number): string[] {
    this.prune(nowMs)
    return this.entries.map((entry) => entry.jwt)
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

  private forget(entry: BacklogEntry | undefined): void {
    if (entry !== undefined) this.ids.delete(entry.post.postId)
  }
}
