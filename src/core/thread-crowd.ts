/**
 * A thread in a crowd room (issue 26). There its relay no longer forwards each member's
 * `join`, `presence` and `leave`: it tells the room who came and went in a digest every
 * few seconds (roster-digest.ts), and its answers list the newest few members with the
 * room's count. Here: whether we are in a crowd (one of our relays said so, in an answer
 * or a digest), the digests taken in (each claim verified as if it had come itself; only
 * our relays' digests count, and none is passed on), the count, and the whole member list
 * fetched a page at a time when the page asks for it (`listMembers`). While the room is a
 * crowd, members are not expired by their claims' ttl (their presences no longer reach
 * us): the relay's digests say who went.
 */
import { CROWD_MAX_PAGES, CROWD_RELIST_MS, CROWD_SILENCE_MS } from './constants.js'
import type { MemberRegistry } from './members.js'
import type { ReceiptRules } from './receipt-rules.js'
import { checkedDigest } from './roster-digest.js'
import type { ThreadMembership } from './thread-membership.js'
import type { IncomingMessage, ValidationResult } from './transport.js'

export interface ThreadCrowdInit {
  topic: string
  rules: ReceiptRules
  members: MemberRegistry
  membership: ThreadMembership
  now: () => number
  /** Asks our relays for page `page` of the member list; resolves to the members it held. */
  fetchPage: (page: number) => Promise<number>
}

export class ThreadCrowd {
  /** The room's count as our relay last said, while it is a crowd. */
  private count: number | undefined
  /** When our relay last said the room is a crowd (an answer or a digest). */
  private saidAtMs = 0
  private listing: Promise<void> | undefined
  /** When the last listing ended. */
  private listedAtMs = Number.NEGATIVE_INFINITY

  constructor(private readonly init: ThreadCrowdInit) {}

  /**
   * Whether the room is a crowd: our relay said so within CROWD_SILENCE_MS (it reminds
   * every ROSTER_REMINDER_MS). A relay that vanished mid-crowd says nothing more: without
   * this, members would never be expired again, also on a relay that is no crowd.
   */
  get isCrowd(): boolean {
    if (this.count !== undefined && this.init.now() - this.saidAtMs > CROWD_SILENCE_MS) this.ended()
    return this.count !== undefined
  }

  /** Members in the room, us included: the relay's count in a crowd, else those we list. */
  get roomSize(): number {
    return Math.max(this.count ?? 0, this.init.members.size + 1)
  }

  /** One of our relays answered that the room is a crowd of `members` there. */
  said(crowd: { members: number }): void {
    this.count = crowd.members
    this.saidAtMs = this.init.now()
  }

  /**
   * A digest off the room's topic: taken from our relays only, never passed on (a member
   * has no word on who is here). Malformed, from a relay, it counts against that relay.
   */
  async digest(message: IncomingMessage): Promise<ValidationResult> {
    if (message.fromRelay !== true) return 'ignore'
    const checked = await checkedDigest(message.data, this.init.topic, this.init.rules)
    if (checked === undefined) return 'reject'
    const { digest, came } = checked
    const { membership } = this.init
    for (const did of digest.gone) membership.gone(did)
    for (const { claims, jwt, account } of came) membership.seen(claims, jwt, 'follow-up', account)
    if (digest.crowd) this.said(digest)
    else if (this.count !== undefined) this.ended()
    return 'ignore'
  }

  /** The crowd ended: presences come again, each claim held counts from now. */
  private ended(): void {
    this.count = undefined
    this.init.members.renewAll(this.init.now())
  }

  /**
   * In a crowd, every member the relays hold, a page at a time; one listing at a time, and
   * none within CROWD_RELIST_MS of the last (members it could not list, past the room's
   * newcomer budget, would have a page that polls `listMembers` draw the whole list again
   * on every call).
   */
  listAll(): Promise<void> {
    if (!this.isCrowd || this.init.members.size + 1 >= this.roomSize) return Promise.resolve()
    if (this.listing === undefined && this.init.now() - this.listedAtMs < CROWD_RELIST_MS)
      return Promise.resolve()
    this.listing ??= this.fetchPages().finally(() => {
      this.listing = undefined
      this.listedAtMs = this.init.now()
    })
    return this.listing
  }

  private async fetchPages(): Promise<void> {
    for (let page = 1; page <= CROWD_MAX_PAGES && this.isCrowd; page++) {
      const held = await this.init.fetchPage(page).catch(() => 0)
      if (held === 0 || this.init.members.size + 1 >= this.roomSize) return
    }
  }
}
