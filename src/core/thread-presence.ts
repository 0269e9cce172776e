import { MAX_CLAIMED_RELAYS, PRESENCE_REPLY_MAX_MEMBERS } from './constants.js'
import type { SignedClaims, UnsignedClaims } from './jwt.js'
import { nextHeartbeat, ttlFor } from './presence-pacing.js'
import type { WalletLink } from './schema.js'
import type { ThreadTimings } from './thread-timings.js'
import type { TimerSet } from './timer-set.js'
import type { PubSubTransport } from './transport.js'
import { encodeUtf8 } from './utf8.js'

/**
 * What a thread says about itself in its room: the `join`, the heartbeats (paced by the
 * room's size, presence-pacing.ts) and the few answers to others' joins that small rooms
 * give. Every claim names our peer, the relays we can be reached through and its `ttl`.
 */

export interface ThreadPresenceInit {
  topic: string
  transport: PubSubTransport
  timings: ThreadTimings
  timers: TimerSet
  /** Members in the room, us included. */
  roomSize: () => number
  isClosed: () => boolean
  sign: <C extends UnsignedClaims>(claims: C) => Promise<{ jwt: string; claims: SignedClaims<C> }>
  /** Our wallet link, if the space has one: it goes with every claim. */
  link?: () => WalletLink | undefined
}

export class ThreadPresence {
  /** Set once our first `join` went out; presences wait for it. */
  private joined = false
  /** The heartbeat interval our newest claim covers (its `ttl` allows for it). */
  private intervalMs: number | undefined
  private replyPending = false
  /** Our newest signed presence, handed to newcomers with the member list. */
  newest: string | undefined

  constructor(private readonly init: ThreadPresenceInit) {}

  /** Announces us with a `join` and starts the heartbeats (again, after a reconnect). */
  async join(): Promise<void> {
    const first = nextHeartbeat(this.init.timings, this.init.roomSize())
    this.intervalMs = first.intervalMs
    await this.announce('join', first.ttlS)
    this.joined = true
    this.init.timers.only('heartbeat', first.delayMs, () => this.heartbeat())
  }

  /**
   * Another member joined. Only small rooms answer room-wide (constants.ts), so that two
   * peers meeting in a new room learn of each other at once; larger rooms' newcomers ask
   * their relay and the members for the list.
   */
  answerJoin(): void {
    if (this.replyPending || this.init.roomSize() > PRESENCE_REPLY_MAX_MEMBERS) return
    this.replyPending = true
    this.init.timers.after(Math.random() * this.init.timings.presenceReplyJitterMs, () => {
      this.replyPending = false
      if (this.intervalMs !== undefined)
        void this.announce('presence', ttlFor(this.init.timings, this.intervalMs))
    })
  }

  private heartbeat(): void {
    const next = nextHeartbeat(this.init.timings, this.init.roomSize())
    this.intervalMs = next.intervalMs
    void this.announce('presence', next.ttlS)
    this.init.timers.only('heartbeat', next.delayMs, () => this.heartbeat())
  }

  private linkClaim(): { link?: WalletLink } {
    const link = this.init.link?.()
    return link === undefined ? {} : { link }
  }

  private async announce(type: 'join' | 'presence', ttlS: number): Promise<void> {
    const { isClosed, transport, topic } = this.init
    if (isClosed()) return
    // No presence before our join: members would learn of us before we can hear them.
    if (type === 'presence' && !this.joined) return
    try {
      const { jwt } = await this.init.sign({
        type,
        room: topic,
        peer: transport.peerId,
        relays: (transport.routes?.() ?? []).slice(0, MAX_CLAIMED_RELAYS),
        ttl: ttlS,
        ...this.linkClaim(),
      })
      // close() may have run while we signed: a presence sent after our leave would bring us back.
      if (isClosed()) return
      this.newest = jwt
      await transport.publish(topic, encodeUtf8(jwt))
    } catch {
      // A heartbeat that cannot be sent now is sent again at the next interval.
    }
  }
}
