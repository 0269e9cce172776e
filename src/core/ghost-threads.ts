import { BacklogAnswerBudget } from './backlog-answer-budget.js'
import { BacklogServer } from './backlog-server.js'
import {
  BACKLOG_PROTOCOL,
  DEFAULT_BACKLOG_LIMIT,
  DIRECT_PROTOCOL,
  MAX_JWT_BYTES,
  OWN_POST_RATE,
} from './constants.js'
import { WalletLinkError } from './errors.js'
import { GhostThread } from './ghost-thread.js'
import { heldWalletLink, type Identity, type SpaceSigner } from './identity.js'
import {
  assertNewRoomOptions,
  assertNoSpaceOptions,
  checkedJoinOptions,
  type JoinThreadOptions,
} from './join-options.js'
import { peekRoom } from './jwt.js'
import { inviteCreator, inviteSecret, newInvite, privateRoomKeys } from './private-room.js'
import { RateLimiter } from './rate-limit.js'
import { ReceiptRules } from './receipt-rules.js'
import { type ForwardedRoom, RoomForwarder } from './room-forwarder.js'
import { assertValidName, topicFor } from './room-name.js'
import type { BacklogResponse, DirectResponse, WalletLink } from './schema.js'
import { SealedTransport } from './sealed-transport.js'
import type { ThreadTimings } from './thread-timings.js'
import type { PubSubTransport } from './transport.js'
import { decodeUtf8, encodeUtf8 } from './utf8.js'
import { type LinkedAccount, LinkVerifier } from './wallet-link.js'

/** Checks the links spaces are given (the same check every receiver makes). */
const linkVerifier = new LinkVerifier()

/**
 * The ghost threads of one node: the entry point of the core. It owns the transport's
 * direct protocols and routes each request to the thread of the room it was signed for.
 *
 * @example
 * const ghost = new GhostThreads({ transport, identity: createSeedIdentity(seed) })
 * await ghost.start()
 * const space = await ghost.openSpace('my-dapp')
 * const thread = await space.joinThread('trollbox', { ghost: true, ghostBacklogLimit: 20 })
 * thread.on('message', (post) => console.log(post.author, post.message))
 * await thread.post('hello world')
 */

export interface GhostThreadsInit {
  transport: PubSubTransport
  identity: Identity
  /** Shared by all rooms of the node: replay protection and rate limits span rooms. */
  rules?: ReceiptRules
  timings?: Partial<ThreadTimings>
  now?: () => number
  /** Called when the last open thread closes: the owner may let the network go. */
  onIdle?: () => void
}

export type { JoinThreadOptions } from './join-options.js'

export class GhostThreads {
  private readonly transport: PubSubTransport
  private readonly identity: Identity
  private readonly rules: ReceiptRules
  private readonly timings: Partial<ThreadTimings>
  private readonly now: () => number
  private readonly onIdle: (() => void) | undefined
  private readonly threads = new Map<string, GhostThread>()
  /** What each of our DIDs may post, over all its rooms (as receivers count it). */
  private readonly postBudget: RateLimiter
  /** Our side of the backlog protocol: answers from our rooms, within each requester's budget. */
  private readonly backlog: BacklogServer
  /** The private rooms we moved away from as their creator, where we still answer. */
  private readonly forwarder: RoomForwarder
  private started = false
  private stopRoutingDelivery: () => void = () => undefined

  constructor(init: GhostThreadsInit) {
    this.transport = init.transport
    this.identity = init.identity
    this.now = init.now ?? Date.now
    this.timings = init.timings ?? {}
    this.rules = init.rules ?? new ReceiptRules({ now: this.now })
    this.onIdle = init.onIdle
    this.postBudget = new RateLimiter(OWN_POST_RATE, this.now)
    this.backlog = new BacklogServer({
      rules: this.rules,
      budget: new BacklogAnswerBudget(this.now),
      sourceFor: (topic) => this.threads.get(topic)?.backlogSource,
      now: this.now,
    })
    this.forwarder = new RoomForwarder({
      transport: this.transport,
      rules: this.rules,
      now: this.now,
    })
  }

  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    this.transport.handle(DIRECT_PROTOCOL, async (data, from) =>
      encodeUtf8(JSON.stringify(await this.routeDirect(data, from))),
    )
    this.transport.handle(BACKLOG_PROTOCOL, async (data, from) =>
      encodeUtf8(JSON.stringify(await this.answerBacklog(data, from))),
    )
    // Our posts that waited for someone to reach: they went, or never will.
    this.stopRoutingDelivery =
      this.transport.onDelivery?.((topic, postId, delivery) =>
        this.threads.get(topic)?.delivered(postId, delivery),
      ) ?? (() => undefined)
  }

  async stop(): Promise<void> {
    this.forwarder.stop()
    await Promise.all([...this.threads.values()].map((thread) => thread.close()))
    this.transport.unhandle(DIRECT_PROTOCOL)
    this.transport.unhandle(BACKLOG_PROTOCOL)
    this.stopRoutingDelivery()
    this.started = false
  }

  /** The backlog protocol: a newcomer's request (as it came off the stream) answered from its room. */
  answerBacklog(data: Uint8Array, from: string): Promise<BacklogResponse> {
    return this.backlog.answer(data, from)
  }

  async openSpace(name: string, options?: Record<string, never>): Promise<GhostSpace> {
    assertValidName('space', name)
    assertNoSpaceOptions(options)
    return new GhostSpace(name, await this.identity.signerForSpace(name), this)
  }

  /** Open threads of this node, by topic. */
  openThreads(): GhostThread[] {
    return [...this.threads.values()]
  }

  /** @internal GhostSpace.joinThread */
  async join(
    space: string,
    signer: SpaceSigner,
    room: string,
    options: JoinThreadOptions,
  ): Promise<GhostThread> {
    const checked = checkedJoinOptions(options, 'engine')
    // A private room is its invite's: the topic and keys come from the secret (private-room.ts).
    const keys =
      checked.invite === undefined
        ? undefined
        : privateRoomKeys(inviteSecret(checked.invite), space)
    const topic = keys?.topic ?? topicFor(space, room)
    const backlogLimit = checked.ghostBacklogLimit ?? DEFAULT_BACKLOG_LIMIT
    // A room we moved away from, joined again: we are in it, not only answering there.
    this.forwarder.forget(topic)
    const existing = this.threads.get(topic)
    if (existing !== undefined) {
      existing.keepAtLeast(backlogLimit)
      for (const filter of checked.ghostFilters ?? []) existing.addFilter(filter)
      return existing
    }
    await this.start()
    /** Set when we moved this room away as its creator: we answer in it for latecomers. */
    let forward: ForwardedRoom | undefined
    const thread = new GhostThread({
      space,
      room,
      topic,
      signer,
      backlogLimit,
      ...(keys === undefined ? {} : { invite: checked.invite }),
      // Moved to a new invite: the same room here, under the new key, with the same options;
      // its creator answers in the old room for who arrives there late (room-forwarder.ts).
      onMove: async (invite, keptOnly) => {
        const next = await this.join(space, signer, room, { ...checked, invite })
        if (keys !== undefined && inviteCreator(invite) === signer.did) {
          const lineage = `${space}\n${room}\n${signer.did}`
          const current = () => latestInvite(next)
          forward = { keys, space, signer, lineage, current, ...(keptOnly ? { keptOnly } : {}) }
        }
        return next
      },
      transport:
        keys === undefined ? this.transport : new SealedTransport(this.transport, keys, this.now),
      rules: this.rules,
      timings: this.timings,
      now: this.now,
      postBudget: this.postBudget,
      onClose: (closed) => {
        if (this.threads.get(topic) !== closed) return
        this.threads.delete(topic)
        this.rules.privateRoomClosed(topic)
        // Once the thread has left it (its topic is free again), as the note at onMove says.
        if (forward !== undefined) this.forwarder.watch(forward)
        if (this.threads.size === 0) this.onIdle?.()
      },
    })
    // Before the thread starts: no backlog entry is shown that a filter would refuse.
    for (const filter of checked.ghostFilters ?? []) thread.addFilter(filter)
    this.threads.set(topic, thread)
    if (keys !== undefined) this.rules.privateRoomOpened(topic, space)
    await thread.start()
    return thread
  }

  private async routeDirect(data: Uint8Array, from: string): Promise<DirectResponse> {
    const found = this.threadFor(data)
    if ('error' in found) return { ok: false, error: found.error }
    return found.thread.handleDirect(found.jwt, from)
  }

  private threadFor(data: Uint8Array): { jwt: string; thread: GhostThread } | { error: string } {
    if (data.length > MAX_JWT_BYTES) return { error: 'oversized' }
    const jwt = decodeUtf8(data)
    const room = jwt === undefined ? undefined : peekRoom(jwt)
    if (jwt === undefined || room === undefined) return { error: 'malformed-jwt' }
    const thread = this.threads.get(room)
    return thread === undefined ? { error: 'not-in-room' } : { jwt, thread }
  }
}

/** The invite of the room `thread` is in now, following its moves; undefined once it was left. */
function latestInvite(thread: GhostThread): string | undefined {
  let now = thread
  while (!now.isOpen && now.successor !== undefined) now = now.successor
  return now.isOpen ? now.invite : undefined
}

/** A space (3IP-9): one DID, many rooms. */
export class GhostSpace {
  constructor(
    readonly name: string,
    private readonly signer: SpaceSigner,
    /** Who runs its rooms: a GhostThreads, or a SpaceNetwork that starts one on demand. */
    private readonly owner: Pick<GhostThreads, 'join'>,
  ) {}

  get did(): string {
    return this.signer.did
  }

  /** The account this space's DID is linked to and where, if any (and the link still holds). */
  get walletAccount(): LinkedAccount | undefined {
    return heldWalletLink(this.signer, Date.now())?.account
  }

  /** Whether this space's DID holds exactly `link` now. */
  holdsLink(link: WalletLink, nowMs = Date.now()): boolean {
    const held = heldWalletLink(this.signer, nowMs)?.link
    return held?.message === link.message && held.signature === link.signature
  }

  /**
   * Links this space's DID to an Ethereum account: `link` is an EIP-4361 message from
   * composeLinkMessage() naming this DID and space, signed by that account. Checked here
   * as every receiver will check it; from then on every join and presence carries it.
   * One link at a time: a new one replaces the last (the site it was made on then sees
   * this DID unlinked). Resolves to the account. Contract wallets (EIP-1271) are refused:
   * they need a chain.
   */
  async linkWallet(link: WalletLink, nowMs = Date.now()): Promise<LinkedAccount> {
    const check = await linkVerifier.check(link, { did: this.did, space: this.name, nowMs })
    if (!check.ok) {
      const contract =
        check.reason === 'bad-link-signature'
          ? ' (a contract wallet, EIP-1271, cannot be checked without a chain RPC and is not supported)'
          : ''
      throw new WalletLinkError(
        `The wallet link is refused: ${check.reason}, ${check.detail}${contract}`,
      )
    }
    this.signer.wallet = { link, account: check.account, expiresAtMs: check.expiresAtMs }
    return check.account
  }

  /**
   * Ends the link (with `domain`, only a link made for that site: another site's unlink
   * leaves it): the next join and presence go without it. Whether a link ended.
   */
  unlinkWallet(domain?: string): boolean {
    const held = this.signer.wallet
    if (held === undefined || (domain !== undefined && held.account.linkedOn.domain !== domain))
      return false
    this.signer.wallet = undefined
    return true
  }

  /**
   * A new private room (issue 25): its invite is a fresh secret, to hand on as an invite
   * link's fragment (`#…`); whoever has it joins with joinThread(name, { ghost: true,
   * invite }). `name` is what the room is called here; it never reaches the wire.
   */
  async createPrivateThread(
    name = 'private',
    options: Omit<JoinThreadOptions, 'invite' | 'ghost'> = {},
  ): Promise<{ thread: GhostThread; invite: string }> {
    assertNewRoomOptions(options)
    const invite = newInvite(this.did)
    const thread = await this.joinThread(name, { ghost: true, ...options, invite })
    return { thread, invite }
  }

  /** 3IP-9 `space.joinThread(name, { ghost: true, ghostBacklogLimit })`. */
  async joinThread(name: string, options: JoinThreadOptions = {}): Promise<GhostThread> {
    assertValidName('room', name)
    return this.owner.join(this.name, this.signer, name, options)
  }
}
