import type { PeerRoute } from './members.js'
import type { ThreadTimings } from './thread-timings.js'
import type { TimerSet } from './timer-set.js'
import type { PubSubTransport } from './transport.js'

/** Tries of each request a (re)join makes by itself, and the first wait between them. */
const ATTEMPTS = 4
const RETRY_MS = 500
/**
 * The relay's answer is a snapshot of the members whose `join` it has seen; in a crowd
 * joining at once, many have subscribed and not yet announced themselves, and a few of
 * those announcements can miss us while our place in the relay's gossip mesh is still
 * being set up (150 joins in 10 s: 5 peers missed 5–30 members for minutes, until their
 * next heartbeat). Two small questions later ("who came since?") close that gap.
 */
const FOLLOW_UPS_MS = [2_000, 8_000]
/** How long our join waits for the relays' member list (see beforeJoin). */
const MEMBERS_BEFORE_JOIN_MS = 2_000

/** One backlog request: to `servers` (our relays, for the member list), or to a few members. */
export type FetchOnce = (
  servers: PeerRoute[],
  options: { members: boolean; sinceS?: number },
) => Promise<number>

export interface ThreadCatchUpInit {
  topic: string
  transport: PubSubTransport
  timings: ThreadTimings
  timers: TimerSet
  isClosed: () => boolean
  hasMembers: () => boolean
  now: () => number
  /** Resolves to how many peers answered our request. */
  fetch: FetchOnce
}

/**
 * What a thread fetches by itself when it (re)joins: first who is here, from its relays
 * (nobody answers a join room-wide in a large room), then the recent posts from a few
 * members, without the member list again when a relay gave it.
 */
export class ThreadCatchUp {
  private postsPending = false
  /** Our relays gave us the member list: members need not repeat it. */
  private haveMembers = false
  /** When this (re)join began, in seconds: follow-ups ask for members since then. */
  private startedS = 0
  /** The question asked before our join, still to be counted by the first try. */
  private firstAnswer: Promise<boolean> | undefined

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
    if (this.relays().length === 0) return
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
    if (this.firstAnswer !== undefined || (this.init.transport.routes?.() ?? []).length > 0)
      void this.askRelays()
    else if (this.init.hasMembers()) this.schedulePosts()
  }

  /** The first other member became known. */
  memberFound(): void {
    this.schedulePosts()
  }

  /** Whether members should send the member list with posts (a dapp's `_requestBacklog`). */
  get membersWanted(): boolean {
    return !this.haveMembers
  }

  private async askRelays(): Promise<void> {
    // The question asked before the join counts as the first try.
    const first = this.firstAnswer
    this.firstAnswer = undefined
    for (let attempt = 1; attempt <= ATTEMPTS && !this.init.isClosed(); attempt++) {
      if (attempt === 1 && first !== undefined) {
        if (await first) break
      } else {
        if (this.relays().length === 0) break
        if (await this.askRelaysOnce()) break
      }
      // A relay busy with a crowd joining may not answer in time: ask again, a few times.
      await new Promise<void>((resolve) => this.init.timers.after(RETRY_MS * attempt, resolve))
    }
    // Posts come from members, once we know some (those known before the answer, too).
    if (this.init.hasMembers()) this.schedulePosts()
  }

  /** Asks our relays for the member list; on an answer, asks again later for latecomers. */
  private async askRelaysOnce(): Promise<boolean> {
    const servers = this.relays()
    if (servers.length === 0) return false
    if ((await this.init.fetch(servers, { members: true }).catch(() => 0)) === 0) return false
    this.haveMembers = true
    const sinceS = this.startedS - 1
    for (const delayMs of FOLLOW_UPS_MS) {
      this.init.timers.after(delayMs, () => {
        void this.init.fetch(this.relays(), { members: true, sinceS })
      })
    }
    return true
  }

  /** Our relays, also one whose subscription has not reached us yet (a busy relay). */
  private relays(): PeerRoute[] {
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
   * When no member answered (right after a relay restart, their circuits are not back
   * yet), ask again a little later, a few times: posts the relay forwarded before it
   * served us again come only this way.
   */
  private async askMembers(attempt: number): Promise<void> {
    if (this.init.isClosed()) return
    const answered = await this.init.fetch([], { members: this.membersWanted }).catch(() => 0)
    if (answered > 0 || attempt >= ATTEMPTS || this.init.isClosed()) return
    this.init.timers.after(
      Math.max(this.init.timings.backlogGatherMs, RETRY_MS) * attempt,
      () => void this.askMembers(attempt + 1),
    )
  }
}
