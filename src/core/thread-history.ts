/**
 * What a thread learns of its room's past, in one place: the catch-up a (re)join runs by
 * itself (thread-catch-up.ts), the backlog protocol's asking side (thread-backlog.ts), and
 * when that is told to the page as backlog (BacklogUpdates) or as posts `missed`.
 */
import { membersToAsk } from './backlog-request.js'
import { RELAY_BACKLOG_POSTS } from './constants.js'
import type { PeerRoute } from './members.js'
import type { MissedPosts } from './missed-posts.js'
import type { Post } from './post.js'
import type { RecentPosts } from './recent-posts.js'
import { BacklogUpdates, ThreadBacklog, type ThreadBacklogInit } from './thread-backlog.js'
import { ThreadCatchUp, type ThreadCatchUpInit } from './thread-catch-up.js'

export interface ThreadHistoryInit
  extends Omit<ThreadBacklogInit, 'timeoutMs'>,
    Omit<ThreadCatchUpInit, 'fetch' | 'hasMembers'> {
  posts: RecentPosts
  /** The peers hosting the other members (asked when no relay vouches for the posts). */
  remotePeers: () => PeerRoute[]
  /** Backlog for the page (`backlog-received`). */
  emitBacklog: (posts: Post[]) => void
  /** Posts may be missing, told once nobody else will be asked (`missed`). */
  emitMissed: (gap: MissedPosts) => void
}

export class ThreadHistory {
  readonly updates: BacklogUpdates
  readonly catchUp: ThreadCatchUp
  private readonly backlog: ThreadBacklog

  constructor(private readonly init: ThreadHistoryInit) {
    this.updates = new BacklogUpdates({
      ...init,
      emit: init.emitBacklog,
      holds: (postId) => init.posts.has(postId),
    })
    this.backlog = new ThreadBacklog({
      ...init,
      timeoutMs: init.timings.requestTimeoutMs,
      beforeOurJoin: (iatS) => this.updates.isFromBeforeJoin(iatS),
    })
    this.catchUp = new ThreadCatchUp({
      ...init,
      hasMembers: () => init.remotePeers().length > 0,
      fetch: (servers, options) => this.catchUpOnce(servers, options),
    })
  }

  /**
   * A post off the topic: kept (unless a filter refuses it or we hold it); one dated before
   * our join goes into the backlog instead. Whether it is live, for the page as a `message`
   * (also when the store, being full of newer ones, did not keep it).
   */
  cameLive(post: Post, jwt: string, iatS: number): boolean {
    const { posts, filters, now } = this.init
    if (!filters.pass(post) || posts.has(post.postId)) return false
    const kept = posts.add({ post, jwt }, now())
    if (!this.updates.isFromBeforeJoin(iatS)) return true
    if (kept) this.updates.earlier(post)
    return false
  }

  /**
   * 3IP-9 `_requestBacklog()`: asks our relays and a few members for their recent posts;
   * resolves to the backlog they sent (each post once, through our filters, oldest first,
   * the newest `ghostBacklogLimit`), also posts we held already, and emits it as
   * `backlog-received` when anyone answered (an empty one too: "nothing was said").
   */
  async request(): Promise<Post[]> {
    const members = membersToAsk(this.init.remotePeers(), {
      asked: this.init.timings.backlogPeersAsked,
    })
    const peers = [...this.catchUp.servers(), ...members]
    const { received, answered } = await this.backlog.ask(peers, {
      members: this.catchUp.membersWanted,
    })
    const backlog = received.slice(-this.init.posts.limit)
    if (answered > 0) this.updates.answered(backlog, { always: true })
    return backlog
  }

  /** Page `page` of a crowd room's member list, from our relays: how many members it held. */
  async memberPage(page: number): Promise<number> {
    return (await this.backlog.ask(this.catchUp.servers(), { members: true, page })).members
  }

  /**
   * One question of the catch-up (thread-catch-up.ts): to `servers` (our relays), or to
   * members. What it brings that we did not hold is backlog; so is a join's first answer,
   * even when it brings nothing new (a lone joiner learns the room is quiet).
   */
  private async catchUpOnce(
    servers: PeerRoute[],
    options: { members: boolean; sinceS?: number; avoid?: ReadonlySet<string> },
  ) {
    const peers = servers.length > 0 ? servers : membersToAsk(this.init.remotePeers(), options)
    const result = await this.backlog.ask(peers, options)
    // Answers about latecomers (`sinceS`) are a backlog update only when they bring posts.
    if (result.answered > 0 && (options.sinceS === undefined || result.kept.length > 0))
      this.updates.answered(result.kept)
    // A complete relay answer short of RELAY_BACKLOG_POSTS is the whole room; a full one
    // is the newest RELAY_BACKLOG_POSTS, enough unless we keep more.
    const enough = result.posts < RELAY_BACKLOG_POSTS || result.posts >= this.init.posts.limit
    const complete = servers.length > 0 && result.complete && enough
    // Told once nobody else will be asked: a vouched relay answer, or a member's.
    if (result.gap && (complete || !servers.length) && !this.init.isClosed())
      this.init.emitMissed(result.gap)
    return { ...result, complete }
  }
}
