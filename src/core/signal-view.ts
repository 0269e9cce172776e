import { MAX_REACTED_POSTS, MAX_ROOM_MEMBERS } from './constants.js'
import type { Post } from './post.js'
import type { PostReactions } from './post-reactions.js'

/** A member's newest `seen`: the post, and that post's `iat` (seconds). */
export interface SeenMark {
  postId: string
  at: number
}

/** How a thread shows what its room signalled (ThreadSurface records it here and emits). */
export interface SignalDisplay {
  typing(did: string, typing: boolean): void
  reactions(postId: string, reactions: PostReactions): void
  seen(did: string, mark: SeenMark): void
  memberCount(count: number): void
}

/**
 * What a thread shows of its room's signals (issue 24), kept from the events it emits, so
 * the engine's thread and the page's hold the same view: who is typing, each post's
 * reactions, each member's newest seen post, how many are online.
 */
export class SignalView {
  private readonly typers = new Set<string>()
  private readonly reactions = new Map<string, PostReactions>()
  private readonly marks = new Map<string, SeenMark>()
  /** Members online, us included; undefined until the thread first said. */
  count: number | undefined

  typing(did: string, on: boolean): boolean {
    if (on === this.typers.has(did)) return false
    if (on) this.typers.add(did)
    else this.typers.delete(did)
    return true
  }

  typingNow(): string[] {
    return [...this.typers]
  }

  reacted(postId: string, reactions: PostReactions): void {
    this.reactions.delete(postId)
    if (reactions.length > 0) this.reactions.set(postId, reactions)
    for (const oldest of this.reactions.keys()) {
      if (this.reactions.size <= MAX_REACTED_POSTS) break
      this.reactions.delete(oldest)
    }
  }

  reactionsOf(postId: string): PostReactions {
    return this.reactions.get(postId) ?? []
  }

  /** Keeps a member's newest mark; false for one that moves back (an old copy). */
  seen(did: string, mark: SeenMark): boolean {
    if ((this.marks.get(did)?.at ?? -1) > mark.at) return false
    this.marks.delete(did)
    this.marks.set(did, mark)
    for (const oldest of this.marks.keys()) {
      if (this.marks.size <= MAX_ROOM_MEMBERS) break
      this.marks.delete(oldest)
    }
    return true
  }

  /**
   * How many members other than its author (and `viewer`) have seen the post: their
   * newest seen post is this one or dated no earlier. A post of the same second as a
   * member's mark counts as seen: posts of one second are read together.
   */
  seenBy(post: Pick<Post, 'postId' | 'timestamp' | 'author'>, viewer?: string): number {
    let count = 0
    for (const [did, mark] of this.marks) {
      if (did === post.author || did === viewer) continue
      if (mark.postId === post.postId || mark.at >= post.timestamp) count++
    }
    return count
  }

  clear(): void {
    this.typers.clear()
    this.reactions.clear()
    this.marks.clear()
    this.count = undefined
  }
}
