/**
 * Penalty points per peer for the messages our receipt rules refused as the sender's
 * doing (`reject`), read by gossipsub as each peer's application-specific score (P5).
 *
 * Why not gossipsub's own invalid-message counter (P4): it only counts in topics that have
 * score parameters, given once when the node is made. Our topics are rooms, created at
 * run time; the library has no way to add a topic's parameters later (go-libp2p has
 * `Topic.SetScoreParams`, js does not). P5 is per peer, across all rooms, which also
 * catches a flood spread over many rooms.
 */
import QuickLRU from 'quick-lru'
import { RATE_LIMIT_KEYS } from '../core/constants.js'
import { PEER_PENALTY } from './constants.js'

export interface PeerPenaltiesInit {
  allowance?: number
  halfLifeMs?: number
  /** Injectable for tests. */
  now?: () => number
  maxPeers?: number
}

export class PeerPenalties {
  private readonly points: QuickLRU<string, { points: number; at: number }>
  private readonly allowance: number
  private readonly halfLifeMs: number
  private readonly now: () => number

  constructor(init: PeerPenaltiesInit = {}) {
    this.allowance = init.allowance ?? PEER_PENALTY.allowance
    this.halfLifeMs = init.halfLifeMs ?? PEER_PENALTY.halfLifeMs
    this.now = init.now ?? Date.now
    // A flood of throw-away peer ids cannot grow memory; a peer pushed out starts clean,
    // which costs it its history but gains it nothing it could not get with a new id.
    this.points = new QuickLRU({ maxSize: init.maxPeers ?? RATE_LIMIT_KEYS })
  }

  /** One refused message from `peer`. */
  add(peer: string, points = 1): void {
    this.points.set(peer, { points: this.current(peer) + points, at: this.now() })
  }

  /** The peer's score: 0 within the allowance, then minus one per point beyond it. */
  score(peer: string): number {
    const beyond = this.current(peer) - this.allowance
    return beyond > 0 ? -beyond : 0
  }

  /** Peers whose score is below `threshold` now (for metrics). */
  countBelow(threshold: number): number {
    let below = 0
    for (const peer of this.points.keys()) if (this.score(peer) < threshold) below++
    return below
  }

  private current(peer: string): number {
    const held = this.points.peek(peer)
    if (held === undefined) return 0
    return held.points * 0.5 ** ((this.now() - held.at) / this.halfLifeMs)
  }
}
