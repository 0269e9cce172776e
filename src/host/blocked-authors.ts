/**
 * The authors the user blocked in the popup. Their posts are dropped on every path to a
 * page (live events, backlog events, getPosts, _requestBacklog) and hidden in the popup,
 * in every room and tab at once; the list comes from the settings, so undo is a settings
 * change too. Presence is not hidden: a blocked member is still in the room.
 */
import type { Post } from '../core/post.js'
import type { PostReactions } from '../core/post-reactions.js'
import { eventWithPosts, type ThreadEvent } from '../shared/thread-events.js'

export class BlockedAuthors {
  private dids = new Set<string>()

  replace(dids: readonly string[]): void {
    this.dids = new Set(dids)
  }

  has(did: string): boolean {
    return this.dids.has(did)
  }

  visiblePosts(posts: Post[]): Post[] {
    return this.dids.size === 0 ? posts : posts.filter((post) => !this.dids.has(post.author))
  }

  /**
   * The event as a page may see it, or undefined when nothing of it is left: a blocked
   * member's typing and seen marks are not told, nor named among a post's reactors.
   */
  visibleEvent(event: ThreadEvent): ThreadEvent | undefined {
    if (this.dids.size === 0) return event
    if (event.kind === 'typing' || event.kind === 'seen')
      return this.dids.has(event.did) ? undefined : event
    if (event.kind === 'reactions')
      return { ...event, reactions: this.visibleReactions(event.reactions) }
    return eventWithPosts(event, (post) => (this.dids.has(post.author) ? undefined : post))
  }

  /** Reactions with blocked members neither named nor counted (where they were named). */
  visibleReactions(reactions: PostReactions): PostReactions {
    return reactions.flatMap((reaction) => {
      const dids = reaction.dids.filter((did) => !this.dids.has(did))
      const count = reaction.count - (reaction.dids.length - dids.length)
      return count > 0 ? [{ ...reaction, count, dids }] : []
    })
  }
}
