import type { BacklogSource } from './backlog-server.js'
import type { ByteBudget } from './byte-budget.js'
import { RELAY_BACKLOG_POSTS, RELAY_REACTIONS_PER_ROOM } from './constants.js'
import { MemberRegistry, memberClaim } from './members.js'
import { ReactionBook } from './reaction-book.js'
import type { VerifiedMessage } from './receipt-rules.js'
import { RelayedPosts } from './relayed-posts.js'
import type { DigestBatch } from './roster-digest.js'

/**
 * How a member's claim reached the relay: from one of its own clients, forwarded by
 * another relay on the room's topic, or in another relay's roster batch (a crowd room's
 * relay-only topic): only claims off the room's topic are news for this relay's digest,
 * and only its own clients' go to the other relays.
 */
export type ClaimRoute = 'client' | 'relay' | 'roster'

/**
 * What a relay knows of one room: its members' newest signed `join`/`presence`, so that a
 * newcomer learns who is here from its relay in one answer, instead of from a room-wide
 * presence by every member (v1: N joins made N² presences), and the newest posts it
 * forwarded (relayed-posts.ts). Each entry is only ever a JWT its author signed: the
 * newcomer verifies each one itself. The relay's backlog server answers from it.
 */
export class RoomRoster implements BacklogSource {
  /**
   * While the room is a crowd here (the relay's crowd-rooms.ts decides): how many members
   * an answer lists, and who came and went since the last digest. Undefined otherwise.
   */
  crowding:
    | {
        listed: number
        pageSize: number
        /** Who came and went, for this relay's members (their digest). */
        changes: DigestBatch
        /** Every claim our own clients made, for the room's other relays (their rosters). */
        forRelays: DigestBatch
      }
    | undefined
  private readonly members: MemberRegistry
  /** Members who made a claim through one of this relay's own clients: ours to tell the other relays. */
  private readonly ownClients = new Set<string>()
  readonly relayed: RelayedPosts
  /** The reactions on the room's recent posts, handed to newcomers with them. */
  private readonly reactionBook = new ReactionBook({
    maxPosts: 2 * RELAY_BACKLOG_POSTS,
    maxReactions: RELAY_REACTIONS_PER_ROOM,
  })

  /**
   * `complete`: whether the relay has heard this room from its start (room-mirror.ts);
   * `budget`: the bytes all the relay's rosters share (RELAY_ROSTER_BUDGET_BYTES).
   */
  constructor(complete = false, budget?: ByteBudget) {
    this.relayed = new RelayedPosts(complete)
    // A relay hosts no member itself: no own DID or peer to leave out.
    this.members = new MemberRegistry('', '', budget === undefined ? {} : { budget })
  }

  /** The room is no longer served here: its claims give their bytes back. */
  forget(): void {
    this.members.clear()
    this.ownClients.clear()
  }

  /**
   * Takes in a message that passed the receipt rules (`arrival`: its place in the order
   * messages reached the relay); returns the bytes of posts and reactions it now holds
   * more. Typing and seen pass through and are never kept.
   */
  observe(
    { jwt, claims }: VerifiedMessage,
    nowMs: number,
    arrival = 0,
    route: ClaimRoute = 'client',
  ): number {
    switch (claims.type) {
      case 'join':
      case 'presence': {
        // A live join counts from now; a presence from when it was signed (a straggler
        // signed before a leave does not bring its peer back).
        const signedAtMs = claims.type === 'presence' ? claims.iat * 1000 : undefined
        const isNew = this.members.seen(memberClaim(claims, jwt), nowMs, signedAtMs)
        if (isNew && route !== 'roster') this.crowding?.changes.joined(claims.iss, jwt)
        if (route === 'client') {
          this.ownClients.add(claims.iss)
          this.crowding?.forRelays.joined(claims.iss, jwt)
        }
        break
      }
      case 'leave':
        if (this.members.removePeer(claims.iss, claims.peer, nowMs) && route !== 'roster') {
          this.ownClients.delete(claims.iss)
          this.crowding?.changes.left(claims.iss)
          if (route === 'client') this.crowding?.forRelays.left(claims.iss)
        }
        break
      case 'chat':
        // Direct messages never travel on the topic; a `to` here would be refused earlier.
        if (claims.to === undefined) return this.relayed.add(jwt, claims.iat, arrival)
        break
      case 'react': {
        const before = this.reactionBook.bytes
        this.reactionBook.take(claims, jwt)
        return this.reactionBook.bytes - before
      }
      default:
        break
    }
    return 0
  }

  presences(sinceMs: number): string[] {
    return this.members.presenceJwts(sinceMs, this.crowding?.listed)
  }

  crowd(): { members: number } | undefined {
    return this.crowding === undefined ? undefined : { members: this.members.size }
  }

  memberPage(page: number): string[] {
    return this.crowding === undefined ? [] : this.members.pageJwts(page, this.crowding.pageSize)
  }

  posts(nowMs: number, sinceS?: number): string[] {
    return this.relayed.jwts(nowMs, sinceS)
  }

  reactions(): string[] {
    return this.reactionBook.jwtsOn(this.reactionBook.postIds())
  }

  /** Forgets the room's posts and reactions (the relay needs the memory); returns the bytes freed. */
  evict(): number {
    return this.relayed.evict() + this.reactionBook.clear()
  }

  get complete(): boolean {
    return this.relayed.complete
  }

  /** A meshed relay of the room went away: its posts may have missed us. */
  vouchNoMore(): void {
    this.relayed.complete = false
  }

  /** Another relay of a crowd room said `did` went (its roster batch). */
  remove(did: string, nowMs: number): void {
    this.members.removeDid(did, nowMs)
    this.ownClients.delete(did)
  }

  /** Forgets members whose claims ran out; returns how many DIDs are left. */
  expire(nowMs: number): number {
    for (const did of this.members.expire(nowMs)) {
      this.ownClients.delete(did)
      this.crowding?.changes.left(did)
    }
    return this.members.size
  }

  /**
   * Another relay began carrying this crowd room: it has heard none of our clients, whose
   * claims reach other relays only in our batches, and would list them only as each
   * refreshes (a presence every few minutes in a big room). Every member our clients hold
   * goes into the next batch.
   */
  retell(): void {
    if (this.crowding === undefined) return
    for (const did of this.ownClients) {
      const jwt = this.members.newestJwt(did)
      if (jwt !== undefined) this.crowding.forRelays.joined(did, jwt)
    }
  }

  get size(): number {
    return this.members.size
  }
}
