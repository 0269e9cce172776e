/**
 * What a thread does with the posts of backlog answers: turn each verified entry into a
 * post, keep what its filters and its recent posts take, and say what the peers sent.
 * Entries come in the answering peer's order, which places posts of one second (a post
 * gossiped to us live can arrive before an older one of the same second in an answer).
 */
import { comparePosts, type Post, toPost } from './post.js'
import type { PostFilters } from './post-filters.js'
import type { VerifiedMessage } from './receipt-rules.js'
import type { RecentPosts } from './recent-posts.js'
import type { ChatClaims } from './schema.js'

export interface IntakeResult {
  /** Every post the answers held that our filters let through, oldest first, once each. */
  received: Post[]
  /** Those we did not hold before and keep now, oldest first. */
  kept: Post[]
}

export async function takeInPosts(
  entries: readonly VerifiedMessage[],
  into: {
    posts: RecentPosts
    filters: PostFilters
    nowMs: number
    /** The post as this thread shows it (with its author's linked account). */
    shown: (post: Post) => Post
  },
): Promise<IntakeResult> {
  const chats = entries.filter(
    (entry): entry is VerifiedMessage & { claims: ChatClaims } => entry.claims.type === 'chat',
  )
  const all = await Promise.all(
    chats.map(async (entry) => ({
      entry,
      post: into.shown(await toPost(entry.jwt, entry.claims)),
    })),
  )
  const seen = new Set<string>()
  const passing = all.filter(({ post }) => {
    if (seen.has(post.postId) || !into.filters.pass(post)) return false
    seen.add(post.postId)
    return true
  })
  const added = new Set<string>()
  passing.forEach(({ entry, post }, i) => {
    const beside = { after: passing[i - 1]?.post.postId, before: passing[i + 1]?.post.postId }
    if (into.posts.add({ post, jwt: entry.jwt }, into.nowMs, beside)) added.add(post.postId)
  })
  const received = passing.map(({ post }) => post).sort(comparePosts)
  // Older posts may have been pushed out again by newer ones when the store is full.
  const kept = received.filter((post) => added.has(post.postId) && into.posts.has(post.postId))
  return { received, kept }
}
