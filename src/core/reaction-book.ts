import {
  MAX_EMOJI_PER_MEMBER_POST,
  MAX_EMOJI_PER_POST,
  MAX_REACTED_POSTS,
  REACTORS_NAMED,
} from './constants.js'
import type { PostReactions } from './post-reactions.js'
import type { ReactClaims } from './schema.js'

/** A member's newest word on one emoji of one post, as it signed it. */
interface Stance {
  on: boolean
  iatS: number
  jwt: string
}

export interface ReactionBookInit {
  /** Posts with reactions kept; the post reacted to longest ago goes first. */
  maxPosts?: number
  /** Reactions (on) kept in all: past it, the post reacted to longest ago goes. */
  maxReactions?: number
}

/**
 * The reactions of one room: for each post, emoji and member, the newest signed `react`
 * (a later one replaces it; of one second, taking back wins, so every member ends with
 * the same counts whatever order copies came in). Held in memory only, bounded per post,
 * per member and in all; a relay hands the `on` ones to newcomers with the posts they are
 * on (backlog-server.ts), each JWT verified again there.
 */
export class ReactionBook {
  /** postId → emoji → did → stance; the Map's order is the order posts were last touched. */
  private readonly posts = new Map<string, Map<string, Map<string, Stance>>>()
  private reactions = 0
  private heldBytes = 0
  private readonly maxPosts: number
  private readonly maxReactions: number

  constructor(init: ReactionBookInit = {}) {
    this.maxPosts = init.maxPosts ?? MAX_REACTED_POSTS
    this.maxReactions = init.maxReactions ?? Number.POSITIVE_INFINITY
  }

  /** Takes in a verified `react`; true when the post's reactions changed. */
  take(claims: ReactClaims, jwt: string): boolean {
    const post = this.posts.get(claims.post) ?? new Map<string, Map<string, Stance>>()
    const byMember = post.get(claims.emoji)
    const held = byMember?.get(claims.iss)
    if (held !== undefined && !isNewer(claims, held)) return false
    if (held === undefined) {
      if (!claims.on) return false
      if (byMember === undefined && post.size >= MAX_EMOJI_PER_POST) return false
      if (emojiOf(post, claims.iss) >= MAX_EMOJI_PER_MEMBER_POST) return false
    }
    const members = byMember ?? new Map<string, Stance>()
    const wasOn = held?.on === true
    members.set(claims.iss, { on: claims.on, iatS: claims.iat, jwt })
    post.set(claims.emoji, members)
    // Touched now: moved to the end, the last to be forgotten.
    this.posts.delete(claims.post)
    this.posts.set(claims.post, post)
    this.reactions += Number(claims.on) - Number(wasOn)
    this.heldBytes += jwt.length - (held?.jwt.length ?? 0)
    this.trim()
    return wasOn !== claims.on
  }

  /** The post's reactions as members see them, `viewer` named first where it reacted. */
  of(postId: string, viewer?: string): PostReactions {
    const post = this.posts.get(postId)
    if (post === undefined) return []
    const counts: PostReactions = []
    for (const [emoji, members] of post) {
      const dids = [...members].filter(([, stance]) => stance.on).map(([did]) => did)
      if (dids.length === 0) continue
      const mineFirst = viewer !== undefined && dids.includes(viewer)
      const named = mineFirst ? [viewer, ...dids.filter((did) => did !== viewer)] : dids
      counts.push({ emoji, count: dids.length, dids: named.slice(0, REACTORS_NAMED) })
    }
    return counts.sort((a, b) => b.count - a.count)
  }

  /** Whether `did` has `emoji` on the post now. */
  has(postId: string, emoji: string, did: string): boolean {
    return this.posts.get(postId)?.get(emoji)?.get(did)?.on === true
  }

  /** The signed reactions standing on these posts, for a newcomer's backlog answer. */
  jwtsOn(postIds: Iterable<string>): string[] {
    const jwts: string[] = []
    for (const postId of postIds)
      for (const members of this.posts.get(postId)?.values() ?? [])
        for (const stance of members.values()) if (stance.on) jwts.push(stance.jwt)
    return jwts
  }

  /** The posts with reactions, the one reacted to longest ago first. */
  postIds(): string[] {
    return [...this.posts.keys()]
  }

  /** Reactions standing (on), all posts together. */
  get size(): number {
    return this.reactions
  }

  /** Bytes of the JWTs held (a relay counts them in its posts' budget). */
  get bytes(): number {
    return this.heldBytes
  }

  /** Forgets every reaction; returns the bytes freed. */
  clear(): number {
    const freed = this.heldBytes
    this.posts.clear()
    this.reactions = 0
    this.heldBytes = 0
    return freed
  }

  private trim(): void {
    for (const [postId, post] of this.posts) {
      if (this.posts.size <= this.maxPosts && this.reactions <= this.maxReactions) return
      for (const members of post.values())
        for (const stance of members.values()) {
          this.reactions -= Number(stance.on)
          this.heldBytes -= stance.jwt.length
        }
      this.posts.delete(postId)
    }
  }
}

/** Later wins; of one second, taking back wins (the same end everywhere). */
function isNewer(claims: ReactClaims, held: Stance): boolean {
  if (claims.iat !== held.iatS) return claims.iat > held.iatS
  return held.on && !claims.on
}

function emojiOf(post: Map<string, Map<string, Stance>>, did: string): number {
  let count = 0
  for (const members of post.values()) if (members.get(did)?.on === true) count++
  return count
}
