/**
 * A room a page joined with `linkedOnly: true` shows that page only members whose wallet
 * link verified (issue 14), on every path, like the block list: live posts, backlog
 * events, getPosts, _requestBacklog, user-joined and the member lists. Other pages in the
 * same room are not affected: it is the page's view, not the room's.
 */
import type { Post } from '../core/post.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import { eventKeeping } from './blocked-authors.js'

const linked = (post: Post): boolean => post.address !== undefined

export function linkedPosts(posts: Post[]): Post[] {
  return posts.filter(linked)
}

/** The event as a linked-only page sees it, or undefined when nothing of it is left. */
export function linkedEvent(event: ThreadEvent): ThreadEvent | undefined {
  if (event.kind === 'user-joined') return event.address === undefined ? undefined : event
  return eventKeeping(event, linked)
}
