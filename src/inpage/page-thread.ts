/**
 * A ghost thread as a dapp holds it: the 3IP-9 GhostThread API, backed by a lease in the
 * extension's host. Filters run here, in the page, so a dapp's functions never leave it.
 */

import { CLOSED_BECAUSE, type ClosedReason } from '../core/closed-reason.js'
import { TYPING_REPEAT_MS } from '../core/constants.js'
import { ThreadClosedError } from '../core/errors.js'
import { assertRotateOptions, type RotateOptions } from '../core/invite.js'
import type { LinkedMember } from '../core/link-scope.js'
import type { Post } from '../core/post.js'
import { ThreadSurface } from '../core/thread-surface.js'
import { wokenOrAfter } from '../core/woken-or-after.js'
import type { DappParams, DappResult, ThreadMethod } from '../shared/dapp-methods.js'
import { UnauthorizedError } from '../shared/errors.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import { DELIVERY_WORD_WAIT_MS } from './constants.js'

/** @internal The calls a page makes on a thread it holds (the handle is added by the link). */
export type HeldThreadMethod = Exclude<ThreadMethod, 'joinThread'>

/** @internal The extension's side of one thread: calls by method name, with the handle added. */
export interface ThreadLink {
  call<M extends HeldThreadMethod>(
    method: M,
    params?: Omit<DappParams<M>, 'thread'>,
  ): Promise<DappResult<M>>
}

export class PageThread extends ThreadSurface {
  private reason: ClosedReason | undefined
  private lastTypingMs = Number.NEGATIVE_INFINITY
  /** post() calls waiting for their post's first delivery word, by postId. */
  private readonly awaitingDelivery = new Map<string, () => void>()

  /** @internal the provider makes threads (PageSpace.joinThread). */
  constructor(
    readonly space: string,
    readonly name: string,
    readonly did: string,
    /** A private room's invite (undefined in a public room); it changes when the room moves. */
    private currentInvite: string | undefined,
    private readonly link: ThreadLink,
  ) {
    super()
  }

  /** A private room's invite, to hand on (undefined in a public room). */
  get invite(): string | undefined {
    return this.currentInvite
  }

  get isOpen(): boolean {
    return this.reason === undefined
  }

  get closedReason(): ClosedReason | undefined {
    return this.reason
  }

  async post(message: unknown, to?: string): Promise<string> {
    // Any value a dapp passes goes on: the content gate checks it is JSON (and says why not).
    const json = message as DappParams<'post'>['message']
    // A post ends our typing at the others': the next keystroke may say so again at once.
    this.lastTypingMs = Number.NEGATIVE_INFINITY
    const postId = await this.call(
      'post',
      to === undefined ? { message: json } : { message: json, to },
    )
    // The host said sent or queued before it answered; the word travels as an event and
    // may come just after the answer: post() resolves once deliveryOf(postId) can say it.
    await this.firstDelivery(postId)
    return postId
  }

  async getPosts(n?: number): Promise<Post[]> {
    const posts = await this.call('getPosts', n === undefined ? {} : { n })
    return posts.filter((post) => this.filters.pass(post))
  }

  async listMembers(): Promise<string[]> {
    return this.call('listMembers')
  }

  /** The members, with the account each linked on this site (and where), when it did. */
  async listMembersWithAddresses(): Promise<LinkedMember[]> {
    return this.call('listMembersWithAddresses')
  }

  /** Asks the host only every TYPING_REPEAT_MS: a dapp calls this on every keystroke. */
  async typing(): Promise<boolean> {
    const nowMs = Date.now()
    if (nowMs - this.lastTypingMs < TYPING_REPEAT_MS) return false
    this.lastTypingMs = nowMs
    return this.call('typing')
  }

  async react(postId: string, emoji: string): Promise<void> {
    await this.call('react', { postId, emoji })
  }

  async unreact(postId: string, emoji: string): Promise<void> {
    await this.call('react', { postId, emoji, remove: true })
  }

  async memberCount(): Promise<number> {
    return this.call('memberCount')
  }

  /**
   * A private room's creator moves it to a new invite, kept by every member here but
   * `remove` (DIDs): the thread goes on there (`moved` tells the new invite), and the
   * removed read nothing said after. Resolves to the new invite.
   */
  async rotateInvite(options: RotateOptions = {}): Promise<string> {
    assertRotateOptions(options)
    const remove = options.remove
    const invite = await this.call('rotateInvite', remove === undefined ? {} : { remove })
    this.currentInvite = invite
    return invite
  }

  async _requestBacklog(): Promise<Post[]> {
    const posts = await this.call('requestBacklog')
    return posts.filter((post) => this.filters.pass(post))
  }

  async close(): Promise<ClosedReason> {
    if (this.reason !== undefined) return this.reason
    this.reason = 'closed'
    try {
      await this.link.call('closeThread')
    } catch {
      // Already gone at the extension's side: closed is closed.
    }
    this.endWith('closed')
    return 'closed'
  }

  /** @internal an event from the extension for this thread. */
  receive(event: ThreadEvent): void {
    if (this.reason !== undefined) return
    switch (event.kind) {
      case 'message':
        if (this.filters.pass(event.post)) this.emit('message', event.post)
        break
      case 'user-joined':
        this.emit('user-joined', event.did, event.address, event.linkedOn)
        break
      case 'user-left':
        this.emit('user-left', event.did)
        break
      case 'backlog-received': {
        const kept = event.backlog.message.filter((post) => this.filters.pass(post))
        if (kept.length > 0) this.emit('backlog-received', { type: 'backlog', message: kept })
        break
      }
      case 'delivery':
        this.emitDelivery(event.postId, event.delivery)
        this.awaitingDelivery.get(event.postId)?.()
        break
      case 'missed':
        this.emit('missed', event.gap)
        break
      case 'typing':
        this.display.typing(event.did, event.typing)
        break
      case 'reactions':
        this.display.reactions(event.postId, event.reactions)
        break
      case 'seen':
        this.display.seen(event.did, event.mark)
        break
      case 'members':
        this.display.memberCount(event.count)
        break
      case 'moved':
        this.currentInvite = event.invite
        this.emit('moved', event.invite)
        break
      case 'closed':
        this.markClosed(event.reason)
        break
    }
  }

  /** @internal the extension ended this thread without the page asking: the page hears why. */
  markClosed(reason: ClosedReason): void {
    if (this.reason !== undefined) return
    this.reason = reason
    this.endWith(reason)
  }

  /** Until the host's word on `postId` arrived, or DELIVERY_WORD_WAIT_MS (a host that never says). */
  private async firstDelivery(postId: string): Promise<void> {
    if (this.deliveryOf(postId) !== undefined) return
    await wokenOrAfter(DELIVERY_WORD_WAIT_MS, (wake) => {
      this.awaitingDelivery.set(postId, wake)
      return () => this.awaitingDelivery.delete(postId)
    })
  }

  private async call<M extends HeldThreadMethod>(
    method: M,
    params?: Omit<DappParams<M>, 'thread'>,
  ): Promise<DappResult<M>> {
    // A revoked site is unauthorized (4100), as every other call of its would be.
    if (this.reason === 'revoked') throw new UnauthorizedError(CLOSED_BECAUSE.revoked)
    if (this.reason !== undefined) throw new ThreadClosedError(this.reason)
    return this.link.call(method, params)
  }
}
