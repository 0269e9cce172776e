/**
 * What the popup sees of one room: the host's in-memory feed of it, never stored. Posts
 * carry a sequence number so the popup asks only for what it does not show yet.
 */

import type { LinkedMember } from '../core/members.js'
import type { Post } from '../core/post.js'
import type { PostReactions } from '../core/post-reactions.js'

export interface FeedPost {
  seq: number
  post: Post
}

/**
 * A member as the popup lists it. The popup is the user's own view of every site, so it
 * shows any verified link with the site (`linkedOn`) it was made on; a page sees only
 * links made on its own site.
 */
export interface RoomMember extends LinkedMember {
  /** Announcing itself now; offline members were seen in the room earlier. */
  online: boolean
  blocked: boolean
}

/** The room's live signals as the popup shows them (issue 24). */
export interface RoomSignals {
  /** DIDs typing now, blocked members left out. */
  typing: string[]
  /** The reactions of the feed's posts that have any, by postId. */
  reactions: Record<string, PostReactions>
  /** How many besides its author and the user have seen the newest post. */
  seen?: { postId: string; count: number }
}

export interface RoomView extends RoomSignals {
  space: string
  room: string
  /** The user's own DID in this space: the author of posts from the popup and the pages. */
  did: string
  /** Posts newer than the request's `after`, oldest first; blocked authors left out. */
  posts: FeedPost[]
  /** The newest sequence number in the feed, to ask `after` next time. */
  latest: number
  /** Posts in the feed hidden because their author is blocked. */
  hidden: number
  members: RoomMember[]
  /** Members online now, the user included (exact: the member list may be capped). */
  online: number
  /** The tabs in this room, by site. */
  tabs: RoomTab[]
  /** A private room (issue 25): the popup shows a lock and can copy its invite. */
  private: boolean
  /** The user keeps this private room's invite (beside the seed). */
  kept: boolean
}

export interface RoomTab {
  origin: string
  tabId: number
}
