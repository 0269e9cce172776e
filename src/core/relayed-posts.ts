import { BACKLOG_MAX_AGE_S, RELAY_BACKLOG_POSTS } from './constants.js'

/** One post a relay forwarded, kept as its author signed it. */
interface HeldPost {
  jwt: string
  iatS: number
  /** When it reached the relay, counted: posts of one second are served in this order. */
  arrival: number
}

/**
 * The newest posts of one room as its relay forwarded them, in memory only, so that a
 * newcomer gets the backlog in the same answer as the member list. Before, each newcomer
 * asked three members through relayed circuits (a noise handshake and an identify through
 * the relay each): 300 joins over 10 s opened ~6,700 circuits at one relay, nine in ten
 * timed out on a saturated machine, and the idle room cost its relay 44% of a core.
 *
 * `complete` says whether these are all of the room's posts (up to the newest
 * RELAY_BACKLOG_POSTS): a newcomer that gets a complete answer asks no member. The relay
 * decides it (room-mirror.ts): it cannot vouch for a room it started to follow late.
 */
export class RelayedPosts {
  private held: HeldPost[] = []
  private heldBytes = 0

  constructor(public complete: boolean) {}

  /**
   * Takes in a chat post that passed the receipt rules; returns the bytes it added.
   * Signatures are checked concurrently, so a post can pass after one that came later:
   * it goes back to its place by `arrival` (receivers order posts of one second by it).
   */
  add(jwt: string, iatS: number, arrival: number): number {
    let at = this.held.length
    while (at > 0 && (this.held[at - 1] as HeldPost).arrival > arrival) at--
    this.held.splice(at, 0, { jwt, iatS, arrival })
    this.heldBytes += jwt.length
    let freed = 0
    while (this.held.length > RELAY_BACKLOG_POSTS) freed += this.dropOldest()
    return jwt.length - freed
  }

  /** The posts still young enough to serve, oldest first (receivers sort them by `iat`). */
  jwts(nowMs: number, sinceS = Number.NEGATIVE_INFINITY): string[] {
    const oldestS = nowMs / 1000 - BACKLOG_MAX_AGE_S
    return this.held
      .filter((post) => post.iatS >= Math.max(oldestS, sinceS))
      .map((post) => post.jwt)
  }

  /** Forgets every post (the relay needs the memory): the room is no longer complete. */
  evict(): number {
    const freed = this.heldBytes
    this.held = []
    this.heldBytes = 0
    this.complete = false
    return freed
  }

  get bytes(): number {
    return this.heldBytes
  }

  private dropOldest(): number {
    const dropped = this.held.shift()
    const bytes = dropped?.jwt.length ?? 0
    this.heldBytes -= bytes
    return bytes
  }
}
