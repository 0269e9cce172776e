import { BACKLOG_MAX_AGE_S } from './constants.js'
import { comparePosts, type Post } from './post.js'

export interface BacklogEntry {
  post: Post
  /** Kept so the entry can be handed to late joiners, who verify it themselves. */
  jwt: string
}

/**
 * The last `limit` chat posts of a room, oldest first, in memory only (3IP-9 "Saves all
 * messages in local cache"). Entries from backlog answers can be older than what is
 * already held, so this is a sorted, bounded list rather than an append-only ring; an
 * entry goes after every held entry of the same second, which keeps arrival order.
 * Direct messages never enter it.
 */
export class PostBacklog {
  private entries: BacklogEntry[] = []
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
    let index = this.entries.length
    while (
      index > 0 &&
      comparePosts((this.entries[index - 1] as BacklogEntry).post, entry.post) > 0
    )
      index--
    if (index === 0 && this.entries.length >= this.limit) return false
    this.entries.splice(index, 0, entry)
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
    const expired = this.entries.findIndex((held) => held.post.timestamp >= oldestS)
    const removed = this.entries.splice(0, expired === -1 ? this.entries.length : expired)
    for (const entry of removed) this.forget(entry)
  }

  private forget(entry: BacklogEntry | undefined): void {
    if (entry !== undefined) this.ids.delete(entry.post.postId)
  }
}
