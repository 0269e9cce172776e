/**
 * Gossipsub forwards only topics a node is subscribed to, so a relay that is the hub of a
 * room must subscribe to it (FIELD-NOTES). The mirror subscribes to every room topic a
 * member connected here joins, and leaves it when the last one is gone. Other relays do
 * not count as members: two meshed relays would otherwise keep a room alive for each
 * other forever. Every message of a mirrored room passes the same receipt rules as at
 * any peer, so the relay forwards nothing a member would refuse, and the room's roster
 * (members' newest presences, the newest posts) answers newcomers' backlog requests.
 *
 * A room's posts here are "complete" only when this relay has heard the room from its
 * start: it had been up RELAY_HISTORY_WARMUP_MS (a relay that has just (re)started cannot
 * know what its rooms said before) and no other relay carried the room when we began.
 * A meshed relay of the room going away also ends it (posts may have missed us). Held
 * posts of all rooms share RELAY_POSTS_BUDGET_BYTES; past it the quietest rooms lose
 * theirs, and their newcomers ask members again.
 *
 * One connection may make the relay mirror at most MAX_ROOMS_PER_CONNECTION rooms: a
 * client past it is hung up on, so nobody alone fills the relay with rooms.
 *
 * A private room (issue 25) is mirrored too, without being read: an envelope passes when
 * the room key its topic names signed it (so an outsider who knows the topic sends nothing
 * on), within each client's rate; the envelopes are kept as they are (sealed-log.ts) and
 * handed to a newcomer whose request the room key signed.
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { BacklogAnswerBudget } from '../core/backlog-answer-budget.js'
import { type BacklogQuestion, BacklogServer } from '../core/backlog-server.js'
import { ByteBudget } from '../core/byte-budget.js'
import {
  MAX_BACKLOG_RESPONSE_BYTES,
  MAX_PRIVATE_REQUEST_BYTES,
  PEER_RATE_LIMIT,
} from '../core/constants.js'
import { isRoomEnvelope, isRoomRequest } from '../core/private-room.js'
import { RateLimiter } from '../core/rate-limit.js'
import type { ReceiptRules } from '../core/receipt-rules.js'
import { isPrivateTopic, isRoomTopic, roomOfRosterTopic, rosterTopicOf } from '../core/room-name.js'
import { type ClaimRoute, RoomRoster } from '../core/room-roster.js'
import { looksLikeDigest } from '../core/roster-digest.js'
import {
  type BacklogResponse,
  PrivateBacklogRequest,
  type PrivateBacklogResponse,
} from '../core/schema.js'
import { SealedLog, sealedAnswer } from '../core/sealed-log.js'
import { decodeUtf8 } from '../core/utf8.js'
import {
  MAX_ROOMS_PER_CONNECTION,
  RELAY_AGENT_PREFIX,
  RELAY_HISTORY_WARMUP_MS,
  RELAY_POSTS_BUDGET_BYTES,
  RELAY_ROSTER_BUDGET_BYTES,
  ROSTER_SWEEP_MS,
} from '../net/constants.js'
import type { Libp2pTransport } from '../net/libp2p-transport.js'
import type { RoomAnnouncer } from '../net/relay-announcements.js'
import { CrowdRooms, type CrowdThresholds } from './crowd-rooms.js'

export interface RoomMirrorInit {
  node: Libp2p
  transport: Libp2pTransport
  rules: ReceiptRules
  announcer?: RoomAnnouncer
  /** Rooms one client connection may have the relay mirror. */
  maxRoomsPerConnection?: number
  now?: () => number
  /** A room message came in (`from`: a client, or another relay), before it is checked. */
  onMessage?: (bytes: number, from: MessageRoute) => void
  /**
   * A private room's envelope was judged (the relay reads none): `sealed` when the room
   * key signed it, `not-room-key` when not, `rate-limited-peer` past its sender's rate.
   */
  onEnvelope?: (verdict: 'accept' | 'reject' | 'ignore', reason: EnvelopeReason) => void
  onRoomsChanged?: (rooms: number) => void
  /** A client was hung up on for subscribing to too many rooms. */
  onRoomCapHit?: (peer: string) => void
  /** A requester past its backlog answers (BACKLOG_ANSWER_RATE) was refused one. */
  onAnswerRefused?: (peer: string) => void
  /** A backlog request was answered, asking for `question`. */
  onAnswered?: (question: BacklogQuestion) => void
  /** How long after starting this relay vouches for no room's history (RELAY_HISTORY_WARMUP_MS). */
  historyWarmupMs?: number
  /** Bytes of posts held for newcomers, all rooms together (RELAY_POSTS_BUDGET_BYTES). */
  postsBudgetBytes?: number
  /** Bytes of members' claims held, all rooms together (RELAY_ROSTER_BUDGET_BYTES). */
  rosterBudgetBytes?: number
  /** When a room becomes a crowd, and what it is told (crowd-rooms.ts). */
  crowd?: Partial<CrowdThresholds>
  /** A room became a crowd (true) or ended being one. */
  onCrowdChanged?: (topic: string, crowd: boolean) => void
}

/** Who handed the relay a message off a room's topic. */
export type MessageRoute = Exclude<ClaimRoute, 'roster'>

export type EnvelopeReason = 'sealed' | 'not-room-key' | 'rate-limited-peer'

/** What the relay keeps of a room: a public room's roster, or a private room's envelopes. */
type MirroredRoom = RoomRoster | SealedLog

export class RoomMirror {
  /** Rooms in order of their last post, quietest first (the first to lose their posts). */
  private readonly mirrored = new Map<string, MirroredRoom>()
  private postBytes = 0
  /** Messages received, counted before their signatures are checked (relayed-posts.ts). */
  private arrivals = 0
  private readonly startedMs: number
  /** Connected peers that identified as relays; learnt once per connection, not per check. */
  private readonly relays = new Set<string>()
  /** The room topics each connected peer subscribes to. */
  private readonly roomsOf = new Map<string, Set<string>>()
  /** Clients past the room cap, being hung up on (counted once). */
  private readonly refusing = new Set<string>()
  private readonly node: Libp2p
  private readonly transport: Libp2pTransport
  private readonly maxRooms: number
  private readonly now: () => number
  private readonly backlog: BacklogServer
  private readonly answerBudget: BacklogAnswerBudget
  /** Envelopes each client may hand us, private rooms together (a relay cannot count per DID). */
  private readonly envelopeRate: RateLimiter
  /** Bytes of members' claims held, all rooms together (RELAY_ROSTER_BUDGET_BYTES). */
  private readonly rosterBudget: ByteBudget
  private sweep: ReturnType<typeof setInterval> | undefined
  private stopped = false
  /** Which public rooms are crowds, and their digests. */
  readonly crowds: CrowdRooms

  constructor(private readonly init: RoomMirrorInit) {
    this.node = init.node
    this.transport = init.transport
    this.maxRooms = init.maxRoomsPerConnection ?? MAX_ROOMS_PER_CONNECTION
    this.now = init.now ?? Date.now
    this.startedMs = this.now()
    this.rosterBudget = new ByteBudget(init.rosterBudgetBytes ?? RELAY_ROSTER_BUDGET_BYTES)
    this.answerBudget = new BacklogAnswerBudget(this.now)
    this.envelopeRate = new RateLimiter(PEER_RATE_LIMIT, this.now)
    this.crowds = new CrowdRooms({
      // Nobody to tell (no other relay on a room's relay-only topic): nothing queued.
      publish: (topic, data) => {
        if (this.transport.subscribers(topic).length > 0)
          void this.transport.publish(topic, data).catch(() => undefined)
      },
      rules: init.rules,
      isRelay: (peer) => this.relays.has(peer),
      now: this.now,
      ...(init.crowd === undefined ? {} : { thresholds: init.crowd }),
      ...(init.onCrowdChanged === undefined ? {} : { onCrowdChanged: init.onCrowdChanged }),
    })
    this.backlog = new BacklogServer({
      rules: init.rules,
      budget: this.answerBudget,
      sourceFor: (topic) => {
        const room = this.mirrored.get(topic)
        return room instanceof RoomRoster ? room : undefined
      },
      now: this.now,
      ...(init.onAnswerRefused === undefined ? {} : { onRefused: init.onAnswerRefused }),
      ...(init.onAnswered === undefined ? {} : { onAnswered: init.onAnswered }),
    })
  }

  start(): void {
    this.transport.onSubscriptionChange(({ topic, peerId, subscribed }) => {
      const rosterOf = roomOfRosterTopic(topic)
      if (rosterOf !== undefined && subscribed) this.crowds.carrierSubscribed(rosterOf, peerId)
      if (!isRoomTopic(topic)) return
      const known = this.roomsOf.get(peerId)?.has(topic) ?? false
      this.track(peerId, topic, subscribed)
      // A room we already serve: the member must hear so at once (its posts wait for a
      // subscriber), and gossipsub would not tell it again (relay-announcements.ts). Only
      // news is answered: gossipsub reports every SUBSCRIBE it receives, and two relays
      // answering each other's sent ~4,000 subscriptions a second back and forth while a
      // room of 150 idled (55% of a core). Relays hear of our rooms when they identify.
      if (subscribed && !known && !this.relays.has(peerId) && this.mirrored.has(topic))
        this.init.announcer?.announce(peerId, [topic])
      // Deferred: gossipsub emits this while it still handles the peer's RPC. Subscribing
      // from inside that handler lost messages in the 10-peer and relay-restart tests
      // (2 failing runs of 11); deferred, 0 of 14.
      setTimeout(() => this.reconcile(topic), 0)
    })
    // Gossipsub forgets a peer's topics when it disconnects, without an event of its own.
    this.node.addEventListener('peer:disconnect', (event) => {
      const peer = event.detail.toString()
      if (this.relays.has(peer)) this.relayLeft(peer)
      this.crowds.relayGone(peer)
      this.relays.delete(peer)
      this.roomsOf.delete(peer)
      this.refusing.delete(peer)
      setTimeout(() => this.reconcileAll(), 0)
    })
    // A peer found to be a relay no longer keeps rooms alive, and hears of all our rooms.
    this.node.addEventListener('peer:identify', ({ detail }) => {
      if (!(detail.agentVersion?.startsWith(RELAY_AGENT_PREFIX) ?? false)) return
      const peer = detail.peerId.toString()
      this.relays.add(peer)
      // Its rooms' relay-only topics may have been heard before it was known as a relay.
      for (const topic of this.mirrored.keys())
        if (this.transport.subscribers(rosterTopicOf(topic)).includes(peer))
          this.crowds.carrierSubscribed(topic, peer)
      this.init.announcer?.announce(peer, [...this.mirrored.keys()])
      this.reconcileAll()
    })
    this.sweep = setInterval(() => {
      for (const room of this.mirrored.values()) {
        if (room instanceof SealedLog) this.postBytes -= room.expire(this.now())
        else room.expire(this.now())
      }
    }, ROSTER_SWEEP_MS)
    ;(this.sweep as { unref?: () => void }).unref?.()
    this.crowds.start()
  }

  /** Before the node stops: its disconnects must not make us touch a stopped gossipsub. */
  stop(): void {
    this.stopped = true
    clearInterval(this.sweep)
    this.crowds.stop()
  }

  rooms(): string[] {
    return [...this.mirrored.keys()]
  }

  /** Whether a connected client is in some room here. */
  isMember(peer: string): boolean {
    return !this.relays.has(peer) && (this.roomsOf.get(peer)?.size ?? 0) > 0
  }

  /** Who handed us a room message: one of our clients, or another relay. */
  private routeOf(peer: string): MessageRoute {
    return this.relays.has(peer) ? 'relay' : 'client'
  }

  /** Connected peers known to be relays. */
  relayPeers(): string[] {
    return [...this.relays]
  }

  isRelay(peer: string): boolean {
    return this.relays.has(peer)
  }

  /**
   * The backlog protocol at a relay: a verified `request_backlog` for a room we serve is
   * answered with its roster and its newest posts (backlog-server.ts).
   */
  answerBacklog(data: Uint8Array, from: string): Promise<BacklogResponse> {
    return this.backlog.answer(data, from)
  }

  /**
   * The private backlog protocol: a request the room key signed for `from` within the last
   * minute is answered with the room's envelopes (sealed-log.ts); the relay reads none.
   */
  async answerPrivateBacklog(data: Uint8Array, from: string): Promise<PrivateBacklogResponse> {
    const request = parsePrivateRequest(data)
    const nowS = Math.floor(this.now() / 1000)
    if (request === undefined || !(await isRoomRequest(request, from, nowS)))
      return { refused: 'not-signed' }
    const log = this.mirrored.get(request.topic)
    if (!(log instanceof SealedLog)) return { refused: 'not-served' }
    // A private room's requester has no DID we can see: its peer id stands for it.
    if (!this.answerBudget.allows(request.topic, from, from)) {
      this.init.onAnswerRefused?.(from)
      return { refused: 'too-many' }
    }
    this.init.onAnswered?.(request.since === undefined ? 'members' : 'latecomers')
    return sealedAnswer(log, request.since, MAX_BACKLOG_RESPONSE_BYTES)
  }

  /** Bytes of members' claims held for newcomers, all rooms together. */
  get heldRosterBytes(): number {
    return this.rosterBudget.used
  }

  /** Bytes of posts held for newcomers, all rooms together. */
  get heldPostBytes(): number {
    return this.postBytes
  }

  /**
   * A meshed relay went away: posts of the rooms it carried may have missed us. Kept, but
   * no longer vouched for: their newcomers ask a member too.
   */
  private relayLeft(peer: string): void {
    for (const topic of this.roomsOf.get(peer) ?? []) this.mirrored.get(topic)?.vouchNoMore()
  }

  /** A post was held in `topic`: the room moves to the busy end; the quietest pay for the budget. */
  private held(topic: string, roster: MirroredRoom, bytes: number): void {
    this.mirrored.delete(topic)
    this.mirrored.set(topic, roster)
    this.postBytes += bytes
    const budget = this.init.postsBudgetBytes ?? RELAY_POSTS_BUDGET_BYTES
    for (const quiet of this.mirrored.values()) {
      if (this.postBytes <= budget) break
      this.postBytes -= quiet.evict()
    }
  }

  /** Whether we hear `topic` from its start: warmed up, and no other relay carries it yet. */
  private hearsFromStart(topic: string): boolean {
    const warmupMs = this.init.historyWarmupMs ?? RELAY_HISTORY_WARMUP_MS
    if (this.now() - this.startedMs < warmupMs) return false
    return !this.transport.subscribers(topic).some((peer) => this.relays.has(peer))
  }

  private track(peer: string, topic: string, subscribed: boolean): void {
    let rooms = this.roomsOf.get(peer)
    if (rooms === undefined) {
      rooms = new Set()
      this.roomsOf.set(peer, rooms)
    }
    if (!subscribed) {
      rooms.delete(topic)
      return
    }
    rooms.add(topic)
    if (rooms.size > this.maxRooms && !this.relays.has(peer) && !this.refusing.has(peer)) {
      this.refusing.add(peer)
      void this.refuseIfClient(peer)
    }
  }

  /** Hangs up on a client past the room cap (a relay, known by its agent, may have any number). */
  private async refuseIfClient(peer: string): Promise<void> {
    const id = peerIdFromString(peer)
    const known = await this.node.peerStore.get(id).catch(() => undefined)
    const agent = new TextDecoder().decode(known?.metadata.get('AgentVersion'))
    if (agent.startsWith(RELAY_AGENT_PREFIX)) {
      this.relays.add(peer)
      this.refusing.delete(peer)
      return
    }
    this.roomsOf.delete(peer)
    this.init.onRoomCapHit?.(peer)
    await this.node.hangUp(id).catch(() => undefined)
  }

  private reconcileAll(): void {
    for (const topic of [...this.mirrored.keys()]) this.reconcile(topic)
  }

  /** A room counts when a client is in it; a client past its room cap counts for none. */
  private isWantedBy(peer: string): boolean {
    return !this.relays.has(peer) && (this.roomsOf.get(peer)?.size ?? 0) <= this.maxRooms
  }

  private reconcile(topic: string): void {
    if (this.stopped || !isRoomTopic(topic)) return
    const wanted = this.transport.subscribers(topic).some((peer) => this.isWantedBy(peer))
    if (wanted && !this.mirrored.has(topic) && isPrivateTopic(topic)) this.mirrorSealed(topic)
    else if (wanted && !this.mirrored.has(topic)) {
      const roster = new RoomRoster(this.hearsFromStart(topic), this.rosterBudget)
      this.mirrored.set(topic, roster)
      this.crowds.watch(topic, roster)
      this.transport.subscribe(rosterTopicOf(topic), (message) =>
        this.crowds.takeBatch(topic, roster, message),
      )
      this.transport.subscribe(topic, async (message) => {
        const arrival = ++this.arrivals
        const route = this.routeOf(message.from)
        this.init.onMessage?.(message.data.length, route)
        if (looksLikeDigest(message.data)) return this.crowds.passOn(topic, message)
        const verdict = await this.init.rules.check(message.data, {
          topic,
          channel: 'pubsub',
          from: message.from,
          fromRelay: message.fromRelay === true,
        })
        if (verdict.action === 'accept') {
          const bytes = roster.observe(verdict.message, this.now(), arrival, route)
          // Still ours: the room may have been left while the signature was checked. Any
          // post counts as activity, also one that only took the place of the oldest.
          const { type } = verdict.message.claims
          const kept = type === 'chat' || type === 'react'
          if (kept && this.mirrored.get(topic) === roster) this.held(topic, roster, bytes)
          // In a crowd, who came and went goes out in digests, not one by one.
          if (!this.crowds.forwards(roster, type)) return 'ignore'
        }
        return verdict.action
      })
    } else if (!wanted && this.mirrored.has(topic)) {
      const room = this.mirrored.get(topic)
      this.postBytes -= room?.evict() ?? 0
      room?.forget()
      this.mirrored.delete(topic)
      this.crowds.forget(topic)
      this.transport.unsubscribe(topic)
      this.transport.unsubscribe(rosterTopicOf(topic))
    } else return
    this.init.onRoomsChanged?.(this.mirrored.size)
  }

  /**
   * Mirrors a private room: an envelope the room key signed passes (and is kept for
   * newcomers), within each client's rate; what the key did not sign is refused and costs
   * its sender score, as the relay checked it. Nothing inside is read.
   */
  private mirrorSealed(topic: string): void {
    const log = new SealedLog(this.hearsFromStart(topic))
    this.mirrored.set(topic, log)
    this.transport.subscribe(topic, async (message) => {
      this.init.onMessage?.(message.data.length, this.routeOf(message.from))
      const limited = message.fromRelay !== true && !this.relays.has(message.from)
      const verdict = (action: 'accept' | 'reject' | 'ignore', reason: EnvelopeReason) => {
        this.init.onEnvelope?.(action, reason)
        return action
      }
      if (limited && !this.envelopeRate.take(message.from))
        return verdict('ignore', 'rate-limited-peer')
      if (!(await isRoomEnvelope(topic, message.data))) return verdict('reject', 'not-room-key')
      // A client's envelopes are told apart by sender and size; another relay's are not.
      const bytes = log.add(message.data, this.now(), limited ? message.from : undefined)
      if (this.mirrored.get(topic) === log) this.held(topic, log, bytes)
      return verdict('accept', 'sealed')
    })
  }
}

function parsePrivateRequest(data: Uint8Array): PrivateBacklogRequest | undefined {
  if (data.length > MAX_PRIVATE_REQUEST_BYTES) return undefined
  try {
    const parsed = PrivateBacklogRequest.safeParse(JSON.parse(decodeUtf8(data) ?? ''))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
