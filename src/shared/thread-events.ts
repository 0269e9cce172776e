/**
 * What the host tells a page about its threads. Each event names the page's thread handle;
 * `closed` tells the page a thread ended without it asking, and why (closed-reason.ts).
 */
import type { ClosedReason } from '../core/closed-reason.js'
import type { LinkScope } from '../core/link-scope.js'
import type { MissedPosts } from '../core/missed-posts.js'
import type { Post } from '../core/post.js'
import type { PostReactions } from '../core/post-reactions.js'
import type { SeenMark } from '../core/signal-view.js'
import type { BacklogEvent } from '../core/thread-surface.js'
import type { Delivery } from '../core/transport.js'
import type { RoomConnection } from './connection-status.js'

export type ThreadEvent =
  | { thread: string; kind: 'message'; post: Post }
  | { thread: string; kind: 'user-joined'; did: string; address?: string; linkedOn?: LinkScope }
  | { thread: string; kind: 'user-left'; did: string }
  | { thread: string; kind: 'backlog-received'; backlog: BacklogEvent }
  | { thread: string; kind: 'delivery'; postId: string; delivery: Delivery }
  | { thread: string; kind: 'closed'; reason: ClosedReason }
  | { thread: string; kind: 'missed'; gap: MissedPosts }
  | { thread: string; kind: 'typing'; did: string; typing: boolean }
  | { thread: string; kind: 'reactions'; postId: string; reactions: PostReactions }
  | { thread: string; kind: 'seen'; did: string; mark: SeenMark }
  | { thread: string; kind: 'members'; count: number }
  /** A private room moved to a new invite: the thread goes on there (issue 25). */
  | { thread: string; kind: 'moved'; invite: string }
  /** How the room is connected now: told after the join and on every change. */
  | { thread: string; kind: 'status'; connection: RoomConnection }

export type ThreadEventKind = ThreadEvent['kind']

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

/** A backlog event holds at most the newest `limit` posts (the page's ghostBacklogLimit). */
export function withinLimit(event: ThreadEvent, limit: number): ThreadEvent {
  if (event.kind !== 'backlog-received' || event.backlog.message.length <= limit) return event
  return { ...event, backlog: { ...event.backlog, message: event.backlog.message.slice(-limit) } }
}
