import { membersToAsk } from './backlog-request.js'
import type { BacklogSource } from './backlog-server.js'
import type { ClosedReason } from './closed-reason.js'
import { RELAY_BACKLOG_POSTS } from './constants.js'
import { sendDirect } from './direct-exchange.js'
import { DirectMessageFailedError, NotAMemberError, ThreadClosedError } from './errors.js'
import { heldWalletLink, type SpaceSigner } from './identity.js'
import { type SignedClaims, signClaims, type UnsignedClaims } from './jwt.js'
import {
  type ClaimArrival,
  type LinkedMember,
  MemberRegistry,
  memberClaim,
  type PeerRoute,
} from './members.js'
import { watchForWake } from './missed-posts.js'
import { type Post, toPost } from './post.js'
import type { RateLimiter } from './rate-limit.js'
import type { ReceiptRules, VerifiedMessage } from './receipt-rules.js'
import { RecentPosts } from './recent-posts.js'
import type { DirectResponse, MemberClaims } from './schema.js'
import { assertDid, assertMayPost, assertPostCount, checkedMessage } from './thread-arguments.js'
import { BacklogUpdates, ThreadBacklog } from './thread-backlog.js'
import { ThreadCatchUp } from './thread-catch-up.js'
import { ThreadPresence } from './thread-presence.js'
import { ThreadSurface } from './thread-surface.js'
import { DEFAULT_TIMINGS, type ThreadTimings } from './thread-timings.js'
import { TimerSet } from './timer-set.js'
import type {
  IncomingMessage,
  PubSubTransport,
  Settled,
  SubscriptionChange,
  ValidationResult,
} from './transport.js'
import { encodeUtf8 } from './utf8.js'
import type { LinkedAccount } from './wallet-link.js'

export interface GhostThreadInit {
  space: string
  room: string
  topic: string
  signer: SpaceSigner
  transport: PubSubTransport
  rules: ReceiptRules
  backlogLimit: number
  timings?: Partial<ThreadTimings>
  now?: () => number
  /** Called once when the thread closes, so its owner can forget it. */
  onClose?: (thread: GhostThread) => void
  /** Shared by the threads of a node: what their DIDs may post (OWN_POST_RATE). */
  postBudget: RateLimiter
}

/** The events and their payloads live with the surface both thread kinds share. */
export type { BacklogEvent, GhostThreadEvents } from './thread-surface.js'

/**
 * One ghost thread (3IP-9): an ephemeral chat room on a pubsub topic. Members announce
 * themselves with signed `join`/`presence`/`leave` JWTs; chat posts are signed JWTs kept
 * only in memory (RecentPosts). A (re)joining thread catches up from its relays and, when
 * they cannot vouch for the whole history, a member (thread-catch-up.ts); what it gets is
 * its backlog, emitted as `backlog-received`, never as live `message`s. It answers other
 * newcomers' backlog requests as a BacklogSource (backlog-server.ts).
 */
export class GhostThread extends ThreadSurface {
  readonly space: string
  readonly name: string
  readonly topic: string
  readonly did: string
  private readonly signer: SpaceSigner
  private readonly transport: PubSubTransport
  private readonly rules: ReceiptRules
  private readonly timings: ThreadTimings
  private readonly now: () => number
  private readonly members: MemberRegistry
  private readonly posts: RecentPosts
  private readonly timers = new TimerSet()
  private readonly onClose: GhostThreadInit['onClose']
  private readonly presence: ThreadPresence
  private readonly catchUp: ThreadCatchUp
  private readonly backlog: ThreadBacklog
  private readonly postBudget: RateLimiter
  private closed = false
  private readonly updates: BacklogUpdates
  private stopWatchingSubscriptions: () => void = () => {}

  constructor(init: GhostThreadInit) {
    super()
    this.space = init.space
    this.name = init.room
    this.topic = init.topic
    this.signer = init.signer
    this.did = init.signer.did
    this.transport = init.transport
    this.rules = init.rules
    this.timings = { ...DEFAULT_TIMINGS, ...init.timings }
    this.now = init.now ?? Date.now
    this.onClose = init.onClose
    this.members = new MemberRegistry(this.did, this.transport.peerId, { now: this.now })
    this.posts = new RecentPosts(init.backlogLimit)
    this.postBudget = init.postBudget
    this.updates = new BacklogUpdates({
      emit: (message) => this.emit('backlog-received', { type: 'backlog', message }),
      holds: (postId) => this.posts.has(postId),
      timers: this.timers,
      isClosed: () => this.closed,
    })
    this.backlog = new ThreadBacklog({
      topic: this.topic,
      transport: this.transport,
      rules: this.rules,
      posts: this.posts,
      filters: this.filters,
      timeoutMs: this.timings.requestTimeoutMs,
      now: this.now,
      isClosed: () => this.closed,
      sign: (claims) => this.sign(claims),
      memberSeen: (claims, jwt, came, account) => this.memberSeen(claims, jwt, came, account),
      shown: (post) => this.withAccount(post),
    })
    this.catchUp = new ThreadCatchUp({
      topic: this.topic,
      transport: this.transport,
      timings: this.timings,
      timers: this.timers,
      isClosed: () => this.closed,
      hasMembers: () => this.members.hasRemotePeers(),
      now: this.now,
      fetch: (servers, options) => this.catchUpOnce(servers, options),
    })
    this.presence = new ThreadPresence({
      topic: this.topic,
      transport: this.transport,
      timings: this.timings,
      timers: this.timers,
      roomSize: () => this.members.size + 1,
      isClosed: () => this.closed,
      sign: (claims) => this.sign(claims),
      link: () => heldWalletLink(this.signer, this.now())?.link,
    })
  }

  get isOpen(): boolean {
    return !this.closed
  }

  /**
   * Subscribes; then, once the transport can hear the room, announces us with a signed
   * `join` and fetches the backlog when members answer; again after a sleep (missed-posts.ts).
   */
  async start(): Promise<void> {
    this.updates.joining(this.now())
    this.transport.subscribe(this.topic, (message) => this.receive(message))
    this.stopWatchingSubscriptions = this.transport.onSubscriptionChange((change) =>
      this.onSubscriptionChange(change),
    )
    const { presenceIntervalMs, memberExpiryMs } = this.timings
    this.timers.repeat(() => this.expireMembers(), Math.min(presenceIntervalMs, memberExpiryMs / 4))
    watchForWake({ timers: this.timers, now: this.now, onWake: () => void this.reannounce() })
    // Not awaited: hearing the room can take a gossip heartbeat, and members found
    // meanwhile must reach listeners the dapp attaches when joinThread resolves.
    void this.reannounce()
  }

  /** Announces us again (also after the network reconnects) and fetches what we missed. */
  async reannounce(): Promise<void> {
    // Members answer a join at once, and post right after: be able to hear them first.
    await this.transport.receiving?.(this.topic).catch(() => undefined)
    if (this.closed) return
    await this.catchUp.beforeJoin()
    if (this.closed) return
    await this.presence.join()
    this.catchUp.joined()
  }

  /** 3IP-9 `post(message, to?)`: broadcasts, or sends directly to the member `to` (a DID). */
  async post(message: unknown, to?: string): Promise<string> {
    this.assertOpen()
    const checked = checkedMessage(message)
    assertMayPost(this.postBudget, this.did)
    if (to !== undefined) return this.postDirect(checked, to)
    const { jwt, claims } = await this.sign({
      type: 'chat' as const,
      room: this.topic,
      message: checked,
    })
    const post = this.withAccount(await toPost(jwt, claims))
    const delivery = await this.transport.publish(this.topic, encodeUtf8(jwt), post.postId)
    this.posts.add({ post, jwt }, this.now())
    this.emit('message', post)
    this.emitDelivery(post.postId, delivery)
    return post.postId
  }

  /** 3IP-9 `getPosts(n?)`: the newest `n` posts held in memory (default: the backlog limit), oldest first. */
  async getPosts(n?: number): Promise<Post[]> {
    this.assertOpen()
    assertPostCount(n)
    return this.posts.recent(this.now(), n)
  }

  /** How many posts this thread keeps and hands out as backlog (ghostBacklogLimit). */
  get backlogLimit(): number {
    return this.posts.limit
  }

  /** Keeps at least `limit` posts from now on: another join of this room asked for more. */
  keepAtLeast(limit: number): void {
    this.posts.keepAtLeast(limit)
  }

  /** 3IP-9 `listMembers()`: the DIDs online in this room, ours first. */
  async listMembers(): Promise<string[]> {
    this.assertOpen()
    return this.members.list()
  }

  /** The members with the account each is linked to (and where), where its link verified. */
  async listMembersWithAddresses(): Promise<LinkedMember[]> {
    this.assertOpen()
    return this.members.list().map((did) => ({ did, ...this.accountOf(did) }))
  }

  /** A post carries its author's account (and where it was linked) when the link verified. */
  private withAccount(post: Post): Post {
    const account = this.accountOf(post.author)
    return account === undefined ? post : { ...post, ...account }
  }

  private accountOf(did: string): LinkedAccount | undefined {
    return did === this.did
      ? heldWalletLink(this.signer, this.now())?.account
      : this.members.accountOf(did)
  }

  /** The peers hosting the other members, with their relays: the network connects to them directly. */
  memberPeers(): PeerRoute[] {
    return this.closed ? [] : this.members.remotePeers()
  }

  /**
   * 3IP-9 `_requestBacklog()`: asks our relays and a few members for their recent posts;
   * resolves to the backlog they sent (each post once, through our filters, oldest first,
   * the newest `ghostBacklogLimit`), also posts we held already, and emits it as
   * `backlog-received` when anyone answered (an empty one too: "nothing was said").
   */
  async _requestBacklog(): Promise<Post[]> {
    this.assertOpen()
    const members = membersToAsk(this.members.remotePeers(), {
      asked: this.timings.backlogPeersAsked,
    })
    const peers = [...this.catchUp.servers(), ...members]
    const { received, answered } = await this.backlog.ask(peers, {
      members: this.catchUp.membersWanted,
    })
    const backlog = received.slice(-this.posts.limit)
    if (answered > 0) this.updates.answered(backlog, { always: true })
    return backlog
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
    const peers = servers.length > 0 ? servers : membersToAsk(this.members.remotePeers(), options)
    const result = await this.backlog.ask(peers, options)
    // Answers about latecomers (`sinceS`) are a backlog update only when they bring posts.
    if (result.answered > 0 && (options.sinceS === undefined || result.kept.length > 0))
      this.updates.answered(result.kept)
    // A complete relay answer short of RELAY_BACKLOG_POSTS is the whole room; a full one
    // is the newest RELAY_BACKLOG_POSTS, enough unless we keep more.
    const enough = result.posts < RELAY_BACKLOG_POSTS || result.posts >= this.posts.limit
    const complete = servers.length > 0 && result.complete && enough
    // Told once nobody else will be asked: a vouched relay answer, or a member's.
    if (result.gap && (complete || !servers.length) && !this.closed) this.emit('missed', result.gap)
    return { ...result, complete }
  }

  get closedReason(): ClosedReason | undefined {
    return this.closed ? 'closed' : undefined
  }

  /** 3IP-9: leaves the room with a signed `leave`. Calling it again does nothing. */
  async close(): Promise<ClosedReason> {
    if (this.closed) return 'closed'
    const leave = this.sign({ type: 'leave', room: this.topic, peer: this.transport.peerId })
      .then(({ jwt }) => this.transport.publish(this.topic, encodeUtf8(jwt)))
      .catch(() => undefined)
    this.closed = true
    this.timers.stop()
    await leave
    this.stopWatchingSubscriptions()
    this.transport.unsubscribe(this.topic)
    this.members.clear()
    this.posts.clear()
    this.updates.clear()
    this.endWith('closed')
    this.onClose?.(this)
    return 'closed'
  }

  /** @internal one of our queued posts went, or never will; routed here by the room's owner. */
  delivered(postId: string, delivery: Settled): void {
    if (!this.closed) this.emitDelivery(postId, delivery)
  }

  /** @internal the direct-message protocol, routed here by the room's owner. */
  async handleDirect(jwt: string, from: string): Promise<DirectResponse> {
    if (this.closed) return { ok: false, error: 'closed' }
    const verdict = await this.rules.check(jwt, {
      topic: this.topic,
      channel: 'direct',
      from,
      audience: this.did,
    })
    if (verdict.action !== 'accept') return { ok: false, error: verdict.reason }
    if (verdict.message.claims.type !== 'chat') return { ok: false, error: 'wrong-channel' }
    const post = await toPost(jwt, verdict.message.claims)
    if (this.filters.pass(post)) this.emit('message', post)
    return { ok: true }
  }

  /** @internal what the backlog protocol hands a newcomer from us (backlog-server.ts). */
  readonly backlogSource: BacklogSource = {
    presences: (sinceMs) => [
      ...(this.presence.newest === undefined ? [] : [this.presence.newest]),
      ...this.members.presenceJwts(sinceMs),
    ],
    posts: (nowMs, sinceS) => this.posts.jwts(nowMs, sinceS),
    // A member cannot know what was said before it joined: only a relay vouches.
    complete: false,
  }

  private async receive(message: IncomingMessage): Promise<ValidationResult> {
    const verdict = await this.rules.check(message.data, {
      topic: this.topic,
      channel: 'pubsub',
      from: message.from,
      fromRelay: message.fromRelay === true,
    })
    if (verdict.action !== 'accept') return verdict.action
    if (!this.closed) await this.deliver(verdict.message)
    return 'accept'
  }

  private async deliver({ jwt, claims, account }: VerifiedMessage): Promise<void> {
    switch (claims.type) {
      case 'join':
        this.memberSeen(claims, jwt, 'join', account)
        this.presence.answerJoin()
        break
      case 'presence':
        this.memberSeen(claims, jwt, 'presence', account)
        break
      case 'leave':
        if (this.members.removePeer(claims.iss, claims.peer, this.now()))
          this.emit('user-left', claims.iss)
        break
      case 'chat': {
        const post = this.withAccount(await toPost(jwt, claims))
        if (!this.filters.pass(post) || this.posts.has(post.postId)) return
        const kept = this.posts.add({ post, jwt }, this.now())
        if (this.updates.isFromBeforeJoin(claims.iat)) {
          if (kept) this.updates.earlier(post)
          return
        }
        // Delivered even when the store does not keep it: live posts always reach the page.
        this.emit('message', post)
        break
      }
      case 'request_backlog':
        break
    }
  }

  private memberSeen(
    claims: MemberClaims,
    jwt: string,
    came: ClaimArrival,
    account?: LinkedAccount,
  ) {
    const hadPeers = this.members.hasRemotePeers()
    if (this.members.heard(memberClaim(claims, jwt, account), claims.iat, came, this.now()))
      this.emit('user-joined', claims.iss, account?.address, account?.linkedOn)
    if (!hadPeers && this.members.hasRemotePeers()) this.catchUp.memberFound()
  }

  private async postDirect(message: Post['message'], to: string): Promise<string> {
    assertDid(to)
    const peers = this.members.peersOf(to)
    if (peers.length === 0) throw new NotAMemberError()
    const { jwt, claims } = await this.sign({
      type: 'chat' as const,
      room: this.topic,
      message,
      to,
    })
    const outcomes = await sendDirect({
      peers,
      jwt,
      transport: this.transport,
      timeoutMs: this.timings.requestTimeoutMs,
    })
    if (!outcomes.includes('ok')) {
      throw new DirectMessageFailedError(
        `The direct message was not delivered (${outcomes.join('; ')}); the member may have just left, try again`,
      )
    }
    const post = await toPost(jwt, claims)
    this.emit('message', post)
    // A direct message reached its member, or post() rejected: it is never queued.
    this.emitDelivery(post.postId, 'sent')
    return post.postId
  }

  private expireMembers(): void {
    for (const did of this.members.expire(this.now())) this.emit('user-left', did)
  }

  private onSubscriptionChange(change: SubscriptionChange): void {
    if (change.topic !== this.topic) return
    if (change.subscribed) {
      this.catchUp.serverAppeared(change.peerId)
      return
    }
    for (const did of this.members.removePeerEverywhere(change.peerId, this.now()))
      this.emit('user-left', did)
  }

  private async sign<C extends UnsignedClaims>(
    claims: C,
  ): Promise<{ jwt: string; claims: SignedClaims<C> }> {
    const signed = await signClaims(this.signer, claims, this.now())
    this.rules.markSeen(signed.claims)
    return signed
  }

  private assertOpen(): void {
    if (this.closed) throw new ThreadClosedError('closed')
  }
}
