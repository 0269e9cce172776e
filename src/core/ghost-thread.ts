import { ArrivalOrder, checkArrival } from './arrival-order.js'
import type { BacklogSource } from './backlog-server.js'
import type { ClosedReason } from './closed-reason.js'
import { postDirectly, receiveDirect } from './direct-exchange.js'
import { ThreadClosedError } from './errors.js'
import { heldWalletLink, type SpaceSigner } from './identity.js'
import type { RotateOptions } from './invite.js'
import { type SignedClaims, signClaims, type UnsignedClaims } from './jwt.js'
import { type LinkedMember, MemberRegistry, type PeerRoute } from './members.js'
import { watchForWake } from './missed-posts.js'
import { type Post, toPost } from './post.js'
import type { RateLimiter } from './rate-limit.js'
import type { ReceiptRules, VerifiedMessage } from './receipt-rules.js'
import { RecentPosts } from './recent-posts.js'
import { looksLikeDigest } from './roster-digest.js'
import type { DirectResponse } from './schema.js'
import { assertMayPost, assertPostCount, checkedMessage } from './thread-arguments.js'
import { ThreadCrowd } from './thread-crowd.js'
import { ThreadHistory } from './thread-history.js'
import { ThreadMembership } from './thread-membership.js'
import { ThreadPresence } from './thread-presence.js'
import { ThreadRotation } from './thread-rotation.js'
import { ThreadSignals } from './thread-signals.js'
import { ThreadSurface } from './thread-surface.js'
import { DEFAULT_TIMINGS, type ThreadTimings } from './thread-timings.js'
import { TimerSet } from './timer-set.js'
import type { IncomingMessage, PubSubTransport, Settled, ValidationResult } from './transport.js'
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
  /** A private room's invite (its transport seals what it sends): kept in memory only. */
  invite?: string
  /**
   * A private room moved to `invite`: its owner joins that room (before this one closes);
   * `keptOnly`, when our own rotation removed someone: the members it kept.
   */
  onMove?: (invite: string, keptOnly: readonly string[] | undefined) => Promise<GhostThread>
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
  /** A private room's invite, to hand on (undefined in a public room). Memory only. */
  readonly invite: string | undefined
  /** The thread of the room this one moved to (its `moved` event), once it moved. */
  successor: GhostThread | undefined
  private readonly signer: SpaceSigner
  private readonly transport: PubSubTransport
  private readonly rules: ReceiptRules
  private readonly timings: ThreadTimings
  private readonly now: () => number
  private readonly members: MemberRegistry
  /** What each change of who is here means for the thread (thread-membership.ts). */
  private readonly membership: ThreadMembership
  /** In a crowd room, our relay's digests say who came and went (thread-crowd.ts). */
  private readonly crowd: ThreadCrowd
  private readonly posts: RecentPosts
  private readonly timers = new TimerSet()
  /** Live messages are checked at once and taken in the order they came (arrival-order.ts). */
  private readonly arrivals = new ArrivalOrder()
  private readonly onClose: GhostThreadInit['onClose']
  private readonly presence: ThreadPresence
  private readonly history: ThreadHistory
  private readonly postBudget: RateLimiter
  /** Why the thread ended; undefined while it is open. */
  private closedAs: ClosedReason | undefined
  /** A private room's moves to new invites (thread-rotation.ts). */
  private readonly rotation: ThreadRotation
  /** Typing, reactions, seen marks and the member count (thread-signals.ts). */
  private readonly roomSignals: ThreadSignals
  private stopWatchingSubscriptions: () => void = () => {}

  constructor(init: GhostThreadInit) {
    super()
    this.space = init.space
    this.name = init.room
    this.topic = init.topic
    this.signer = init.signer
    this.did = init.signer.did
    this.invite = init.invite
    this.transport = init.transport
    this.rules = init.rules
    this.timings = { ...DEFAULT_TIMINGS, ...init.timings }
    this.now = init.now ?? Date.now
    this.onClose = init.onClose
    this.members = new MemberRegistry(this.did, this.transport.peerId, { now: this.now })
    this.posts = new RecentPosts(init.backlogLimit)
    this.postBudget = init.postBudget
    // What every part of the thread is given.
    const parts = {
      topic: this.topic,
      transport: this.transport,
      timings: this.timings,
      timers: this.timers,
      now: this.now,
      isClosed: () => this.closed,
      sign: <C extends UnsignedClaims>(claims: C) => this.sign(claims),
    }
    this.roomSignals = new ThreadSignals({
      ...parts,
      did: this.did,
      roomSize: () => this.crowd.roomSize,
      isMember: (did) => this.members.peersOf(did).length > 0,
      show: this.display,
      typingNow: () => this.typingNow(),
    })
    this.history = new ThreadHistory({
      ...parts,
      rules: this.rules,
      posts: this.posts,
      filters: this.filters,
      remotePeers: () => this.members.remotePeers(),
      memberSeen: (claims, jwt, came, account) => this.membership.seen(claims, jwt, came, account),
      shown: (post) => this.withAccount(post),
      reactionsCame: (reactions) => this.roomSignals.reactionsCame(reactions),
      emitBacklog: (message) => {
        this.emit('backlog-received', { type: 'backlog', message })
        this.roomSignals.reached(message)
      },
      emitMissed: (gap) => this.emit('missed', gap),
      crowdSaid: (crowd) => this.crowd.said(crowd),
    })
    this.rotation = new ThreadRotation({
      ...parts,
      invite: init.invite,
      signer: this.signer,
      members: () => this.members.list().filter((did) => did !== this.did),
      intervalMs: this.timings.privateRotationMs,
      moved: async (invite, keptOnly) => {
        this.successor = await init.onMove?.(invite, keptOnly)
        this.emit('moved', invite)
        await this.close('moved')
      },
      removed: () => void this.close('removed'),
    })
    this.membership = new ThreadMembership({
      topic: this.topic,
      members: this.members,
      now: this.now,
      joined: (did, account) => {
        this.emit('user-joined', did, account?.address, account?.linkedOn)
        this.roomSignals.membersChanged()
      },
      left: (did) => {
        this.emit('user-left', did)
        this.roomSignals.left(did)
      },
      firstMember: () => this.history.catchUp.memberFound(),
      serverAppeared: (peer) => this.history.catchUp.serverAppeared(peer),
    })
    this.crowd = new ThreadCrowd({
      ...{ ...parts, rules: this.rules, members: this.members, membership: this.membership },
      fetchPage: (page) => this.history.memberPage(page),
    })
    this.presence = new ThreadPresence({
      ...parts,
      roomSize: () => this.crowd.roomSize,
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
    this.history.updates.joining(this.now())
    this.transport.subscribe(this.topic, (message) => this.receive(message))
    this.stopWatchingSubscriptions = this.transport.onSubscriptionChange((change) =>
      this.membership.subscriptionChanged(change),
    )
    const { presenceIntervalMs, memberExpiryMs } = this.timings
    const every = Math.min(presenceIntervalMs, memberExpiryMs / 4)
    this.timers.repeat(() => this.crowd.isCrowd || this.membership.expire(), every)
    watchForWake({ timers: this.timers, now: this.now, onWake: () => void this.reannounce() })
    this.roomSignals.membersChanged()
    this.rotation.start()
    // Not awaited: hearing the room can take a gossip heartbeat, and members found
    // meanwhile must reach listeners the dapp attaches when joinThread resolves.
    void this.reannounce()
  }

  /** Announces us again (also after the network reconnects) and fetches what we missed. */
  async reannounce(): Promise<void> {
    // Members answer a join at once, and post right after: be able to hear them first.
    await this.transport.receiving?.(this.topic).catch(() => undefined)
    if (this.closed) return
    await this.history.catchUp.beforeJoin()
    if (this.closed) return
    await this.presence.join()
    this.history.catchUp.joined()
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
    this.roomSignals.posted(this.did)
    this.emit('message', post)
    this.roomSignals.reached([post])
    this.emitDelivery(post.postId, delivery)
    return post.postId
  }

  async typing(): Promise<boolean> {
    this.assertOpen()
    return this.roomSignals.typing()
  }

  async react(postId: string, emoji: string): Promise<void> {
    this.assertOpen()
    await this.roomSignals.react(postId, emoji, true)
  }

  async unreact(postId: string, emoji: string): Promise<void> {
    this.assertOpen()
    await this.roomSignals.react(postId, emoji, false)
  }

  async memberCount(): Promise<number> {
    this.assertOpen()
    return this.crowd.roomSize
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
    await this.crowd.listAll() // in a crowd room, those we did not hear of come from our relays
    return this.members.list()
  }

  /** The members with the account each is linked to (and where), where its link verified. */
  async listMembersWithAddresses(): Promise<LinkedMember[]> {
    return (await this.listMembers()).map((did) => ({ did, ...this.accountOf(did) }))
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

  /** 3IP-9 `_requestBacklog()`: asks our relays and a few members again (thread-history.ts). */
  async _requestBacklog(): Promise<Post[]> {
    this.assertOpen()
    return this.history.request()
  }

  get closedReason(): ClosedReason | undefined {
    return this.closedAs
  }

  private get closed(): boolean {
    return this.closedAs !== undefined
  }

  /**
   * A private room's creator moves it to a new invite, kept by all present but `remove`
   * (thread-rotation.ts); resolves to it, and this thread closes with `moved`.
   */
  async rotateInvite(options?: RotateOptions): Promise<string> {
    this.assertOpen()
    return this.rotation.rotate(options)
  }

  /** 3IP-9: leaves the room with a signed `leave`. Calling it again does nothing. */
  async close(reason: ClosedReason = 'closed'): Promise<ClosedReason> {
    if (this.closedAs !== undefined) return this.closedAs
    const leave = this.sign({ type: 'leave', room: this.topic, peer: this.transport.peerId })
      .then(({ jwt }) => this.transport.publish(this.topic, encodeUtf8(jwt)))
      .catch(() => undefined)
    this.closedAs = reason
    this.timers.stop()
    await leave
    this.stopWatchingSubscriptions()
    this.transport.unsubscribe(this.topic)
    this.members.clear()
    this.posts.clear()
    this.history.updates.clear()
    this.roomSignals.clear()
    this.endWith(reason)
    this.onClose?.(this)
    return reason
  }

  /** @internal one of our queued posts went, or never will; routed here by the room's owner. */
  delivered(postId: string, delivery: Settled): void {
    if (!this.closed) this.emitDelivery(postId, delivery)
  }

  /** @internal the direct-message protocol, routed here by the room's owner. */
  async handleDirect(jwt: string, from: string): Promise<DirectResponse> {
    if (this.closed) return { ok: false, error: 'closed' }
    const { topic, did: audience, rules } = this
    return receiveDirect(jwt, { topic, from, audience, rules }, (post) => {
      if (this.filters.pass(post)) this.emit('message', post)
    })
  }

  /** @internal what the backlog protocol hands a newcomer from us (backlog-server.ts). */
  readonly backlogSource: BacklogSource = {
    presences: (sinceMs) => [
      ...(this.presence.newest === undefined ? [] : [this.presence.newest]),
      ...this.members.presenceJwts(sinceMs),
    ],
    posts: (nowMs, sinceS) => this.posts.jwts(nowMs, sinceS),
    reactions: () => this.roomSignals.reactionJwts(),
    // A member cannot know what was said before it joined: only a relay vouches.
    complete: false,
  }

  private receive(message: IncomingMessage): Promise<ValidationResult> {
    if (looksLikeDigest(message.data)) return this.crowd.digest(message)
    const checked = checkArrival(message, this.rules, (post) => this.withAccount(post))
    return this.arrivals.take(checked, async ({ verdict, post }) => {
      if (verdict.action !== 'accept') return verdict.action
      if (!this.closed) await this.deliver(verdict.message, post)
      return 'accept'
    })
  }

  private async deliver({ jwt, claims, account }: VerifiedMessage, post?: Post): Promise<void> {
    switch (claims.type) {
      case 'join':
        this.membership.seen(claims, jwt, 'join', account)
        this.presence.answerJoin()
        break
      case 'presence':
        this.membership.seen(claims, jwt, 'presence', account)
        break
      case 'leave':
        this.membership.leave(claims.iss, claims.peer)
        break
      case 'chat': {
        if (post === undefined || !this.history.cameLive(post, jwt, claims.iat)) return
        this.roomSignals.posted(post.author)
        this.emit('message', post)
        this.roomSignals.reached([post])
        break
      }
      case 'typing':
      case 'react':
      case 'seen':
        this.roomSignals.receive(claims, jwt)
        break
      case 'rekey':
        await this.rotation.received(claims)
        break
      case 'request_backlog':
        break
    }
  }

  private async postDirect(message: Post['message'], to: string): Promise<string> {
    const post = await postDirectly(message, to, {
      topic: this.topic,
      peers: this.members.peersOf(to),
      transport: this.transport,
      timeoutMs: this.timings.requestTimeoutMs,
      sign: (claims) => this.sign(claims),
    })
    this.emit('message', post)
    // A direct message reached its member, or post() rejected: it is never queued.
    this.emitDelivery(post.postId, 'sent')
    return post.postId
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
