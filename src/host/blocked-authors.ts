/**
 * The authors the user blocked in the popup. Their posts are dropped on every path to a
 * page (live events, backlog events, getPosts, _requestBacklog) and hidden in the popup,
 * in every room and tab at once; the list comes from the settings, so undo is a settings
 * change too. Presence is not hidden: a blocked member is still in the room.
 */
import type { Post } from '../core/post.js'
import type { ThreadEvent } from '../shared/thread-events.js'

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

  /** The event as a page may see it, or undefined when nothing of it is left. */
  visibleEvent(event: ThreadEvent): ThreadEvent | undefined {
    if (this.dids.size === 0) return event
    return eventWithPosts(event, (post) => (this.dids.has(post.author) ? undefined : post))
  }
}

/**
 * The event with each post as `shown` gives it (undefined: left out): a message kept,
 * changed or dropped, a backlog narrowed (dropped when nothing is left); other events as
 * they are.
 */
export function eventWithPosts(
  event: ThreadEvent,
  shown: (post: Post) => Post | undefined,
): ThreadEvent | undefined {
  if (event.kind === 'message') {
    const post = shown(event.post)
    return post === undefined ? undefined : post === event.post ? event : { ...event, post }
  }
  if (event.kind !== 'backlog-received') return event
  const message = event.backlog.message.flatMap((post) => shown(post) ?? [])
  if (message.length === 0) return undefined
  return { ...event, backlog: { ...event.backlog, message } }
}
