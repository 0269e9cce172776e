import { BACKLOG_ANSWER_RATE, BACKLOG_ANSWER_RATE_ALL_ROOMS } from './constants.js'
import { RateLimiter } from './rate-limit.js'

/**
 * How many backlog answers a requester may have, so that one request cannot be turned
 * into a stream of megabytes: per room, each peer id and each DID get
 * BACKLOG_ANSWER_RATE (a newcomer asks about three times in its first 10 s), and each
 * peer id BACKLOG_ANSWER_RATE_ALL_ROOMS over every room (a user opening many rooms at
 * once still joins them all). Past it the requester hears "cannot answer" and asks
 * someone else.
 */
export class BacklogAnswerBudget {
  private readonly inRoom: RateLimiter
  private readonly allRooms: RateLimiter

  constructor(now: () => number = Date.now) {
    this.inRoom = new RateLimiter(BACKLOG_ANSWER_RATE, now)
    this.allRooms = new RateLimiter(BACKLOG_ANSWER_RATE_ALL_ROOMS, now)
  }

  /** Takes one answer from each budget the request falls under; false when one is spent. */
  allows(room: string, peer: string, did: string): boolean {
    const byPeer = this.inRoom.take(`${room}|${peer}`)
    const byDid = this.inRoom.take(`${room}|${did}`)
    const overall = this.allRooms.take(peer)
    return byPeer && byDid && overall
  }
}
