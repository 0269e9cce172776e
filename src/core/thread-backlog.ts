/**
 * A thread's side of the backlog protocol as a newcomer: one signed `request_backlog` to
 * some peers (backlog-request.ts), the member claims of the answers to the thread, and
 * their posts into its recent posts: each through its filters, kept when the store takes
 * it, in the answering peer's order within a second (a post gossiped to us live can
 * arrive before an older one of the same second in an answer). It says what the peers
 * sent and what is new; the thread decides what to emit.
 */

import { fetchBacklog } from './backlog-request.js'
import { EARLIER_BATCH_MS, RELAY_BACKLOG_POSTS } from './constants.js'
import type { SignedClaims, UnsignedClaims } from './jwt.js'
import type { ClaimArrival, PeerRoute } from './members.js'
import { gapAfter, type MissedPosts } from './missed-posts.js'
import { comparePosts, type Post, toPost } from './post.js'
import type { PostFilters } from './post-filters.js'
import type { ReceiptRules, VerifiedMessage } from './receipt-rules.js'
import type { RecentPosts } from './recent-posts.js'
import type { ChatClaims, MemberClaims, ReactClaims } from './schema.js'
import type { TimerSet } from './timer-set.js'
import type { PubSubTransport } from './transport.js'
import type { LinkedAccount } from './wallet-link.js'

export interface ThreadBacklogInit {
  topic: string
  transport: PubSubTransport
  rules: ReceiptRules
  posts: RecentPosts
  filters: PostFilters
  timeoutMs: number
  now: () => number
  isClosed: () => boolean
  sign: <C extends UnsignedClaims>(claims: C) => Promise<{ jwt: string; claims: SignedClaims<C> }>
  /**
   * A member claim an answer held (verified; its account, where its link verified): one of
   * the member list (`answer`), or of an answer about latecomers (`follow-up`).
   */
  memberSeen: (
    claims: MemberClaims,
    jwt: string,
    came: Extract<ClaimArrival, 'answer' | 'follow-up'>,
    account?: LinkedAccount,
  ) => void
  /** The post as the thread shows it (with its author's linked account). */
  shown: (post: Post) => Post
  /** The reactions an answer held (verified), for the posts' counts. */
  reactionsCame: (reactions: { claims: ReactClaims; jwt: string }[]) => void
  /** One of our relays answered that the room is a crowd there, of `members` (thread-crowd.ts). */
  crowdSaid?: (crowd: { members: number }) => void
  /** Whether a claim signed at `iatS` (seconds) is from before our (re)join. */
  beforeOurJoin?: (iatS: number) => boolean
}

export interface BacklogAnswers {
  /** Every post the answers held that our filters let through, oldest first, once each. */
  received: Post[]
  /** Those we did not hold before and keep now, oldest first. */
  kept: Post[]
  /** Chat entries the answers held, filtered or not (a relay's full answer is 50). */
  posts: number
  /** Member claims the answers held (verified), known before or not. */
  members: number
  /** How many of the peers answered our request. */
  answered: number
  /** Whether one said its posts were all of the room's (the caller decides whose counts). */
  complete: boolean
  /** The peers asked: one that did not answer is not asked again at once. */
  asked: string[]
  /** Posts that may be missing between what we held and what came (missed-posts.ts). */
  gap?: MissedPosts
}

export class ThreadBacklog {
  constructor(private readonly init: ThreadBacklogInit) {}

  /**
   * One request to `peers`, with the member list unless `members` is false (only latecomers
   * with `sinceS`; only page `page` of a crowd room's member list with `page`).
   */
  async ask(
    peers: PeerRoute[],
    options: { members: boolean; sinceS?: number; page?: number },
  ): Promise<BacklogAnswers> {
    const { members, sinceS, page } = options
    const asked = peers.map((route) => route.peer)
    const none = {
      received: [],
      kept: [],
      posts: 0,
      members: 0,
      answered: 0,
      complete: false,
      asked,
    }
    if (peers.length === 0) return none
    const { jwt, claims } = await this.init.sign({
      type: 'request_backlog',
      room: this.init.topic,
      ...(members ? {} : { members: false }),
      ...(sinceS === undefined ? {} : { since: sinceS }),
      ...(page === undefined ? {} : { page }),
    })
    const { accepted, answered, complete, crowd } = await fetchBacklog({
      peers,
      request: jwt,
      requestId: claims.jti,
      transport: this.init.transport,
      rules: this.init.rules,
      topic: this.init.topic,
      timeoutMs: this.init.timeoutMs,
    })
    if (this.init.isClosed()) return { ...none, answered }
    if (crowd !== undefined) this.init.crowdSaid?.(crowd)
    const came = sinceS === undefined ? 'answer' : 'follow-up'
    // A page of a crowd's list is the member list for those who claimed their place before
    // our join, and latecomers (the newcomer budget) for the rest: paging took a join flood
    // that came after us past the budget (1,800 of 1,800 listed).
    const cameIn = (iatS: number) =>
      page !== undefined && !(this.init.beforeOurJoin?.(iatS) ?? true) ? 'follow-up' : came
    const reactions: { claims: ReactClaims; jwt: string }[] = []
    let memberClaims = 0
    for (const { jwt: entry, claims: entryClaims, account } of accepted) {
      if (entryClaims.type === 'join' || entryClaims.type === 'presence') {
        memberClaims++
        this.init.memberSeen(entryClaims, entry, cameIn(entryClaims.iat), account)
      } else if (entryClaims.type === 'react') reactions.push({ claims: entryClaims, jwt: entry })
    }
    if (reactions.length > 0) this.init.reactionsCame(reactions)
    const posts = accepted.filter((entry) => entry.claims.type === 'chat').length
    const newestHeldS = this.init.posts.recent(this.init.now(), 1)[0]?.timestamp
    const { received, kept } = await takeInPosts(accepted, {
      posts: this.init.posts,
      filters: this.init.filters,
      nowMs: this.init.now(),
      shown: this.init.shown,
    })
    const full = Math.min(RELAY_BACKLOG_POSTS, this.init.posts.limit)
    const gap = gapAfter({ received, kept, posts }, newestHeldS, full)
    return {
      ...{ received, kept, posts, members: memberClaims, answered, complete, asked },
      ...(gap ? { gap } : {}),
    }
  }
}

/** The posts of verified answer entries, into `posts`: what they held, and what is new. */
export async function takeInPosts(
  entries: readonly VerifiedMessage[],
  into: {
    posts: RecentPosts
    filters: PostFilters
    nowMs: number
    /** The post as this thread shows it (with its author's linked account). */
    shown: (post: Post) => Post
  },
): Promise<Pick<BacklogAnswers, 'received' | 'kept'>> {
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

export interface BacklogUpdatesInit {
  emit: (posts: Post[]) => void
  /** Whether the thread still holds a post (a full store may have pushed it out again). */
  holds: (postId: string) => boolean
  timers: TimerSet
  isClosed: () => boolean
}

/**
 * When a thread tells its page about backlog (`backlog-received`): what an answer brought
 * that is new, the join's first answer even when it brought nothing (3box's lone joiner
 * learns the room is quiet), and posts from before the join that reached us live.
 */
export class BacklogUpdates {
  /** The second our join began: a post dated before it is backlog, however it reaches us. */
  private joinedS = 0
  /** Whether this join's first backlog update went out. */
  private announced = false
  /** Posts from before our join that came live, emitted together. */
  private earlierPosts: Post[] = []

  constructor(private readonly init: BacklogUpdatesInit) {}

  joining(nowMs: number): void {
    this.joinedS = Math.floor(nowMs / 1000)
  }

  /**
   * Gossipsub hands a newcomer the last seconds' messages (its message cache), and a
   * member's queue may flush posts made before anyone listened: a post dated before our
   * join is backlog, not news (and only kept ones are shown). `iat` has whole seconds:
   * one dated in our join's own second is news, since most such posts answer our join
   * (counted as backlog until a first update came, fast rooms showed live posts late).
   */
  isFromBeforeJoin(iatS: number): boolean {
    return iatS < this.joinedS
  }

  /** An answer's new posts (`always`: what `_requestBacklog` resolves to, new or not). */
  answered(posts: Post[], { always = false } = {}): void {
    if (this.init.isClosed() || (posts.length === 0 && this.announced && !always)) return
    this.announced = true
    this.init.emit(posts)
  }

  /** A post from before our join that came live: those of a moment leave as one update. */
  earlier(post: Post): void {
    this.earlierPosts.push(post)
    if (this.earlierPosts.length > 1) return
    this.init.timers.after(EARLIER_BATCH_MS, () => {
      const posts = this.earlierPosts.filter((held) => this.init.holds(held.postId))
      this.earlierPosts = []
      if (posts.length > 0) this.answered(posts.sort(comparePosts))
    })
  }

  clear(): void {
    this.earlierPosts = []
  }
}
