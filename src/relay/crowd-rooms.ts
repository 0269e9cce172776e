/**
 * Which of a relay's public rooms are crowds (issue 26), and their digests. A room held
 * here by CROWD_ROOM_MEMBERS members or more becomes a crowd: members' `join`, `presence`
 * and `leave` still come to the relay (its roster, its answers) but go no further; every
 * ROSTER_DIGEST_MS the room hears one digest of who came and went (roster-digest.ts), at
 * least every ROSTER_REMINDER_MS, and newcomers' answers list the newest
 * CROWD_LISTED_MEMBERS with the count. Below CROWD_ROOM_END_MEMBERS a last digest ends
 * the crowd and presences flow to everyone again.
 *
 * A room spread over meshed relays: each relay's digest goes to the other relays on the
 * room's topic and on to their members (a relay passes on a well-formed digest from a
 * relay, never one from a client); and since no member's claim crosses between relays in
 * a crowd, each relay also sends the others, on the room's relay-only topic
 * (`rosterTopicOf`), every claim its own clients made since the last tick (a batch in the
 * digest's shape), so that every roster holds every member, fresh. A relay that begins to
 * carry the room later (started, restarted, or its first client came) subscribes to that
 * topic; the others then send it every member their clients hold in their next batch.
 */
import {
  CROWD_LISTED_MEMBERS,
  CROWD_PAGE_MEMBERS,
  CROWD_RETELL_MS,
  CROWD_ROOM_END_MEMBERS,
  CROWD_ROOM_MEMBERS,
  ROSTER_DIGEST_MS,
  ROSTER_REMINDER_MS,
} from '../core/constants.js'
import type { ReceiptRules } from '../core/receipt-rules.js'
import { rosterTopicOf } from '../core/room-name.js'
import type { RoomRoster } from '../core/room-roster.js'
import { checkedDigest, DigestBatch, readDigest } from '../core/roster-digest.js'
import type { MessageType } from '../core/schema.js'
import type { IncomingMessage, ValidationResult } from '../core/transport.js'

/** When a room becomes a crowd and ends being one, and what it is told (tests and operators lower them). */
export interface CrowdThresholds {
  /** A room becomes a crowd at this many members... */
  members: number
  /** ...and ends below this many. */
  endBelow: number
  /** Members an answer lists (the newest). */
  listed: number
  /** Members in one page of the whole list. */
  pageSize: number
  digestMs: number
  reminderMs: number
}

export const DEFAULT_CROWD: CrowdThresholds = {
  members: CROWD_ROOM_MEMBERS,
  endBelow: CROWD_ROOM_END_MEMBERS,
  listed: CROWD_LISTED_MEMBERS,
  pageSize: CROWD_PAGE_MEMBERS,
  digestMs: ROSTER_DIGEST_MS,
  reminderMs: ROSTER_REMINDER_MS,
}

export interface CrowdRoomsInit {
  /** Sends a digest (or, on a room's relay-only topic, a roster batch). */
  publish: (topic: string, data: Uint8Array) => void
  /** Checks each claim of another relay's roster batch. */
  rules: ReceiptRules
  /** Whether `peer` is a relay (its digests and batches count; a client's never do). */
  isRelay: (peer: string) => boolean
  thresholds?: Partial<CrowdThresholds>
  now?: () => number
  /** A room became a crowd (true) or ended being one (false). */
  onCrowdChanged?: (topic: string, crowd: boolean) => void
}

const MEMBER_CLAIMS: ReadonlySet<MessageType> = new Set(['join', 'presence', 'leave'])

export class CrowdRooms {
  private readonly rosters = new Map<string, RoomRoster>()
  /** When each crowd room last heard a digest. */
  private readonly toldAtMs = new Map<string, number>()
  /**
   * The relays known to carry each room (subscribed to its relay-only topic): gossipsub
   * reports every SUBSCRIBE it receives, and only a relay new to the room is retold.
   */
  private readonly carriers = new Map<string, Set<string>>()
  /** When each room's members were last retold (CROWD_RETELL_MS). */
  private readonly retoldAtMs = new Map<string, number>()
  private readonly thresholds: CrowdThresholds
  private readonly now: () => number
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly init: CrowdRoomsInit) {
    this.thresholds = { ...DEFAULT_CROWD, ...init.thresholds }
    this.now = init.now ?? Date.now
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.thresholds.digestMs)
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  watch(topic: string, roster: RoomRoster): void {
    this.rosters.set(topic, roster)
  }

  forget(topic: string): void {
    const wasCrowd = this.rosters.get(topic)?.crowding !== undefined
    this.rosters.delete(topic)
    this.toldAtMs.delete(topic)
    this.carriers.delete(topic)
    this.retoldAtMs.delete(topic)
    if (wasCrowd) this.init.onCrowdChanged?.(topic, false)
  }

  /**
   * A peer subscribed to a room's relay-only topic: a relay new to a room we carry is told
   * every member our clients hold, in the next batch. A relay stays known until its
   * connection goes (an unsubscribe is not heard, so subscribing again retells nothing),
   * and a room is retold at most every CROWD_RETELL_MS: a peer that says it is a relay
   * could otherwise make every relay check every claim of the room again, as often as it
   * liked.
   */
  carrierSubscribed(topic: string, peer: string): void {
    const roster = this.rosters.get(topic)
    if (roster === undefined || !this.init.isRelay(peer)) return
    const carriers = this.carriers.get(topic) ?? new Set<string>()
    this.carriers.set(topic, carriers)
    if (carriers.has(peer)) return
    carriers.add(peer)
    const nowMs = this.now()
    if (nowMs - (this.retoldAtMs.get(topic) ?? Number.NEGATIVE_INFINITY) < CROWD_RETELL_MS) return
    if (roster.crowding === undefined) return
    this.retoldAtMs.set(topic, nowMs)
    roster.retell()
  }

  /** A relay went away: should it come back, it has forgotten every room. */
  relayGone(peer: string): void {
    for (const carriers of this.carriers.values()) carriers.delete(peer)
  }

  /** Whether an accepted message of `type` goes on to the room: not a member claim in a crowd. */
  forwards(roster: RoomRoster, type: MessageType): boolean {
    return roster.crowding === undefined || !MEMBER_CLAIMS.has(type)
  }

  /** Rooms that are crowds now. */
  get crowds(): number {
    let crowds = 0
    for (const roster of this.rosters.values()) if (roster.crowding !== undefined) crowds++
    return crowds
  }

  /** Each room: begins or ends a crowd, or tells its crowd what changed. */
  tick(): void {
    const { members, endBelow, listed, pageSize, reminderMs } = this.thresholds
    const nowMs = this.now()
    for (const [topic, roster] of this.rosters) {
      const size = roster.size
      const crowding = roster.crowding
      if (crowding === undefined) {
        if (size < members) continue
        const changes = new DigestBatch()
        roster.crowding = { listed, pageSize, changes, forRelays: new DigestBatch() }
        this.tell(topic, changes.take(topic, size, true, true), nowMs)
        this.init.onCrowdChanged?.(topic, true)
        continue
      }
      const crowd = size >= endBelow
      for (const batch of crowding.forRelays.take(topic, size, crowd))
        this.init.publish(rosterTopicOf(topic), batch)
      if (!crowd) {
        roster.crowding = undefined
        for (const digest of crowding.changes.take(topic, size, false, true))
          this.init.publish(topic, digest)
        this.toldAtMs.delete(topic)
        this.init.onCrowdChanged?.(topic, false)
      } else {
        const remind = nowMs - (this.toldAtMs.get(topic) ?? 0) >= reminderMs
        this.tell(topic, crowding.changes.take(topic, size, true, remind), nowMs)
      }
    }
  }

  /**
   * A digest off a room's topic, at this relay: passed on to our members when a relay
   * sent it and it is well formed (they check every claim in it), refused from a client.
   */
  passOn(topic: string, message: IncomingMessage): ValidationResult {
    if (!this.init.isRelay(message.from)) return 'reject'
    return readDigest(message.data, topic) === undefined ? 'reject' : 'accept'
  }

  /**
   * Another relay's roster batch (the room's relay-only topic): its clients' claims,
   * each checked, into our roster without telling our members (that relay's digest does),
   * and the DIDs it says went.
   */
  async takeBatch(
    topic: string,
    roster: RoomRoster,
    message: IncomingMessage,
  ): Promise<ValidationResult> {
    if (!this.init.isRelay(message.from)) return 'reject'
    const checked = await checkedDigest(message.data, topic, this.init.rules)
    if (checked === undefined) return 'reject'
    const nowMs = this.now()
    for (const did of checked.digest.gone) roster.remove(did, nowMs)
    for (const claim of checked.came) roster.observe(claim, nowMs, 0, 'roster')
    return 'accept'
  }

  private tell(topic: string, digests: Uint8Array[], nowMs: number): void {
    if (digests.length === 0) return
    for (const digest of digests) this.init.publish(topic, digest)
    this.toldAtMs.set(topic, nowMs)
  }
}
