import {
  CATCH_UP_ATTEMPTS,
  CATCH_UP_RETRY_MS,
  FOLLOW_UP_SPREAD,
  MEMBERS_BEFORE_JOIN_MS,
} from './constants.js'
import type { PeerRoute } from './members.js'
import type { ThreadTimings } from './thread-timings.js'
import type { TimerSet } from './timer-set.js'
import type { PubSubTransport } from './transport.js'

/**
 * The relay's answer is a snapshot of the members whose `join` it has seen; in a crowd
 * joining at once, many have subscribed and not yet announced themselves, and a few of
 * those announcements can miss us while our place in the relay's gossip mesh is still
 * being set up (150 joins in 10 s: 5 peers missed 5–30 members for minutes, until their
 * next heartbeat). Two small questions later ("who came since?") close that gap, each at
 * its time ± FOLLOW_UP_SPREAD, drawn for each: members who joined together (a dapp's
 * event, a link posted in a chat) otherwise asked their relay in the same instant, and 20
 * peers on one machine re-checked 19 claims each at once, which held the room's posts up
 * by 50–110 ms (bench:net, issue 26).
 */
const FOLLOW_UPS_MS = [2_000, 8_000]

/** When a join's follow-up questions go, in ms after its first answer: each drawn in its spread. */
export function followUpWaitsMs(random: () => number = Math.random): number[] {
  return FOLLOW_UPS_MS.map((ms) => ms + ms * FOLLOW_UP_SPREAD * (2 * random() - 1))
}

/** The last a follow-up question can go after a join's first answer. */
export const LAST_FOLLOW_UP_MS = Math.max(...FOLLOW_UPS_MS) * (1 + FOLLOW_UP_SPREAD)
const NO_ANSWER: FetchResult = { answered: 0, complete: false, asked: [] }

/**
 * One backlog request: to `servers` (our relays: the member list and their posts), or to
 * one member. Resolves to how many answered, and whether a relay's posts were complete
 * (then no member need be asked).
 */
export type FetchOnce = (
  servers: PeerRoute[],
  options: { members: boolean; sinceS?: number; avoid?: ReadonlySet<string> },
) => Promise<FetchResult>

export interface FetchResult {
  answered: number
  complete: boolean
  /** The peers asked: a member that did not answer is not asked again at once. */
  asked: string[]
}

export interface ThreadCatchUpInit {
  topic: string
  transport: PubSubTransport
  timings: ThreadTimings
  timers: TimerSet
  isClosed: () => boolean
  hasMembers: () => boolean
  now: () => number
  fetch: FetchOnce
  /** Draws where in its spread each follow-up goes (tests fix it); Math.random by default. */
  random?: () => number
}

/**
 * What a thread fetches by itself when it (re)joins: who is here and the recent posts,
 * from its relays (nobody answers a join room-wide in a large room); then, only when no
 * relay could vouch that its posts were all of the room's (a relay that has just
 * restarted, or none at all), the posts from one member at a time, without the member
 * list again when a relay gave it. Asking three members at once through relayed circuits
 * made 300 joins open ~6,700 circuits at one relay (nine in ten timed out).
 */
export class ThreadCatchUp {
  private postsPending = false
  /** Our relays gave us the member list: members need not repeat it. */
  private haveMembers = false
  /** When this (re)join began, in seconds: follow-ups ask for members since then. */
  private startedS = 0
  /** The question asked before our join, still to be counted by the first try. */
  private firstAnswer: Promise<FetchResult> | undefined
  /** Our relays are being asked: members found meanwhile wait for their verdict. */
  private askingRelays = false
  /** We joined with no relay connected: the first to serve the room is asked then. */
  private relaysUnasked = false

  constructor(private readonly init: ThreadCatchUpInit) {}

  /**
   * Before our join goes out: one question to our relays for the member list, so that the
   * join's `ttl` already fits the room's size. Without it every newcomer to a crowd knew
   * only itself when it joined, and beat again 20 s later: 150 joins over 10 s came back
   * as 150 presences over the next 10 s, forwarded to every member (the idle relay's
   * busiest moment). Bounded: a busy relay holds our join up at most this long.
   */
  async beforeJoin(): Promise<void> {
    this.startedS = Math.floor(this.init.now() / 1000)
    if (this.servers().length === 0) return
    const answer = this.askRelaysOnce()
    this.firstAnswer = answer
    await new Promise<void>((resolve) => {
      void answer.then(() => resolve())
      this.init.timers.after(MEMBERS_BEFORE_JOIN_MS, resolve)
    })
  }

  /** A (re)join was announced. */
  joined(): void {
    this.postsPending = true
    this.relaysUnasked = false
    if (this.firstAnswer !== undefined || (this.init.transport.routes?.() ?? []).length > 0)
      void this.askRelays()
    else {
      this.relaysUnasked = true
      if (this.init.hasMembers()) this.schedulePosts()
    }
  }

  /**
   * A peer began to serve our room. When it is our relay and we joined before any relay
   * was connected (a busy relay can take longer than the join waits), ask it now: without
   * this, 150 of 300 newcomers never had the member list and asked members instead.
   */
  serverAppeared(peer: string): void {
    if (!this.relaysUnasked || !(this.init.transport.routes?.() ?? []).includes(peer)) return
    this.relaysUnasked = false
    void this.askRelays()
  }

  /** The first other member became known. */
  memberFound(): void {
    if (!this.askingRelays) this.schedulePosts()
  }

  /** Whether members should send the member list with posts (a dapp's `_requestBacklog`). */
  get membersWanted(): boolean {
    return !this.haveMembers
  }

  private async askRelays(): Promise<void> {
    // The question asked before the join counts as the first try.
    const first = this.firstAnswer
    this.firstAnswer = undefined
    this.askingRelays = true
    let answer: FetchResult = NO_ANSWER
    for (let attempt = 1; attempt <= CATCH_UP_ATTEMPTS && !this.init.isClosed(); attempt++) {
      if (attempt === 1 && first !== undefined) answer = await first
      else if (this.servers().length === 0) break
      else answer = await this.askRelaysOnce()
      if (answer.answered > 0) break
      // A relay busy with a crowd joining may not answer in time: ask again, a few times.
      await new Promise<void>((resolve) =>
        this.init.timers.after(CATCH_UP_RETRY_MS * attempt, resolve),
      )
    }
    this.askingRelays = false
    // A relay that heard the room from its start gave us every post: nothing to ask members.
    if (answer.complete) this.postsPending = false
    // Otherwise posts come from members, once we know some (those known before, too).
    else if (this.init.hasMembers()) this.schedulePosts()
  }

  /** Asks our relays for the member list; on an answer, asks again later for latecomers. */
  private async askRelaysOnce(): Promise<FetchResult> {
    const servers = this.servers()
    if (servers.length === 0) return NO_ANSWER
    const answer = await this.init.fetch(servers, { members: true }).catch(() => NO_ANSWER)
    if (answer.answered === 0) return answer
    this.haveMembers = true
    const sinceS = this.startedS - 1
    for (const waitMs of followUpWaitsMs(this.init.random)) {
      this.init.timers.after(waitMs, () => {
        void this.init.fetch(this.servers(), { members: true, sinceS })
      })
    }
    return answer
  }

  /** Our relays, also one whose subscription has not reached us yet (a busy relay). */
  servers(): PeerRoute[] {
    const { transport, topic } = this.init
    const serving = transport.roomServers?.(topic) ?? []
    return (serving.length > 0 ? serving : (transport.routes?.() ?? [])).map((peer) => ({
      peer,
      relays: [],
    }))
  }

  private schedulePosts(): void {
    if (!this.postsPending) return
    this.postsPending = false
    this.init.timers.after(this.init.timings.backlogGatherMs, () => void this.askMembers(1))
  }

  /**
   * One member at a time (another, picked at random, when one does not answer: right
   * after a relay restart, circuits are not back yet), a few times: posts the relay
   * forwarded before it served us again come only this way.
   */
  private async askMembers(attempt: number, avoid = new Set<string>()): Promise<void> {
    if (this.init.isClosed()) return
    const { answered, asked } = await this.init
      .fetch([], { members: this.membersWanted, avoid })
      .catch(() => NO_ANSWER)
    if (answered > 0 || attempt >= CATCH_UP_ATTEMPTS || this.init.isClosed()) return
    for (const peer of asked) avoid.add(peer)
    this.init.timers.after(
      Math.max(this.init.timings.backlogGatherMs, CATCH_UP_RETRY_MS) * attempt,
      () => void this.askMembers(attempt + 1, avoid),
    )
  }
}
