import { MemberRegistry, memberClaim } from './members.js'
import type { VerifiedMessage } from './receipt-rules.js'
import type { BacklogResponse } from './schema.js'

/**
 * What a relay knows of one room: its members' newest signed `join`/`presence`, so that a
 * newcomer learns who is here from its relay in one answer, instead of from a room-wide
 * presence by every member (v1: N joins made N² presences). It holds no posts, and an
 * entry is only ever a JWT its member signed: the newcomer verifies each one itself.
 */
export class RoomRoster {
  // A relay hosts no member itself: no own DID or peer to leave out.
  private readonly members = new MemberRegistry('', '')

  /** Takes in a message that passed the receipt rules. */
  observe({ jwt, claims }: VerifiedMessage, nowMs: number): void {
    switch (claims.type) {
      case 'join':
      case 'presence': {
        // A live join counts from now; a presence from when it was signed (a straggler
        // signed before a leave does not bring its peer back).
        const signedAtMs = claims.type === 'presence' ? claims.iat * 1000 : undefined
        this.members.seen(memberClaim(claims, jwt), nowMs, signedAtMs)
        break
      }
      case 'leave':
        this.members.removePeer(claims.iss, claims.peer, nowMs)
        break
      default:
        break
    }
  }

  /**
   * The answer to a verified `request_backlog`: every member's newest presence (of those
   * heard from since `sinceS`, when the request asks only for those).
   */
  answer(requestId: string, sinceS = 0): BacklogResponse {
    return { request: requestId, entries: this.members.presenceJwts(sinceS * 1000) }
  }

  /** Forgets members whose claims ran out; returns how many DIDs are left. */
  expire(nowMs: number): number {
    this.members.expire(nowMs)
    return this.members.size
  }

  get size(): number {
    return this.members.size
  }
}
