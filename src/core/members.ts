import type { ByteBudget } from './byte-budget.js'
import {
  MAX_PEERS_PER_DID,
  MAX_PRESENCE_TTL_S,
  MAX_ROOM_MEMBERS,
  NEWCOMER_RATE,
} from './constants.js'
import { type RateLimit, RateLimiter } from './rate-limit.js'
import type { MemberClaims } from './schema.js'
import type { LinkedAccount } from './wallet-link.js'

/**
 * Who is in a room. A member is a DID; it is online while at least one peer hosting it
 * keeps announcing itself. 3box keyed members by peer id and leaked those ids to dapps;
 * here dapps see DIDs only, and peer ids serve to reach a member for direct messages.
 */

/** What a `join` or `presence` says about the peer that signed it. */
export interface MemberClaim {
  did: string
  peer: string
  /** Relay peer ids that peer can be reached through (its own claim). */
  relays: readonly string[]
  /** How long the claim holds, from when it was seen. */
  ttlMs: number
  jwt: string
  /** The account its wallet link names and where it was made, when the link verified. */
  account?: LinkedAccount
}

/** The member claim of a verified `join` or `presence`. */
export function memberClaim(
  claims: MemberClaims,
  jwt: string,
  account?: LinkedAccount,
): MemberClaim {
  return {
    did: claims.iss,
    peer: claims.peer,
    relays: claims.relays,
    ttlMs: claims.ttl * 1000,
    jwt,
    ...(account === undefined ? {} : { account }),
  }
}

/** A member as `listMembersWithAddresses()` gives it: the account (and where) when linked. */
export type { LinkedMember } from './link-scope.js'

/**
 * How a member claim reached a thread: live as a `join` or `presence`, in a join's first
 * backlog answer (the member list), or in a follow-up answer ("who came since?").
 */
export type ClaimArrival = 'join' | 'presence' | 'answer' | 'follow-up'

/** A member's peer and the relays it says it can be reached through. */
export interface PeerRoute {
  peer: string
  relays: readonly string[]
}

interface PeerPresence {
  lastSeenMs: number
  ttlMs: number
  relays: readonly string[]
  /** The newest join/presence JWT from that peer, handed to late joiners. */
  jwt: string
  /** The account that claim's wallet link names, when it verified. */
  account?: LinkedAccount
}

export class MemberRegistry {
  private readonly members = new Map<string, Map<string, PeerPresence>>()
  /**
   * When each `did|peer` left. A backlog answer can hold a presence signed before a member
   * left and arrive after it: without this, the member would come back as a ghost.
   */
  private readonly departed = new Map<string, number>()

  private readonly newcomers: RateLimiter
  private readonly capacity: number
  /** Bytes of claims held, shared with other registries (a relay's rooms), when given. */
  private readonly budget: ByteBudget | undefined

  constructor(
    readonly ownDid: string,
    readonly ownPeer: string,
    init: {
      capacity?: number
      newcomerRate?: RateLimit
      now?: () => number
      budget?: ByteBudget
    } = {},
  ) {
    this.capacity = init.capacity ?? MAX_ROOM_MEMBERS
    this.newcomers = new RateLimiter(init.newcomerRate ?? NEWCOMER_RATE, init.now ?? Date.now, 1)
    this.budget = init.budget
  }

  /**
   * A verified `join` or `presence` signed at `iatS`, as it `came`; true for a
   * `user-joined`. Live, a DID not listed yet also takes one place from the room's
   * newcomer budget and is not listed while it is spent (its next presence tries again).
   * One in an answer counts from the end of its `iat` second, so it expires on time; one
   * already run out is left for the next beat. A join's first answer (the member list) is
   * bounded by the answer itself; a follow-up's newcomers take the budget like live ones:
   * a join flood landing between our join and a follow-up reached the page as every
   * flooding DID (1,000 of 1,000 against a budget of ~840, issue 22).
   */
  heard(claim: MemberClaim, iatS: number, came: ClaimArrival, nowMs: number): boolean {
    if (came === 'answer' || came === 'follow-up') {
      const signedAtMs = Math.min(nowMs, iatS * 1000 + 999)
      if (signedAtMs + claim.ttlMs <= nowMs) return false
      if (came === 'follow-up' && !this.admits(claim)) return false
      return this.seen(claim, signedAtMs, iatS * 1000)
    }
    if (!this.admits(claim)) return false
    return this.seen(claim, nowMs, came === 'presence' ? iatS * 1000 : undefined)
  }

  /**
   * Whether `claim` may be listed now: a listed member's or our own always; a newcomer's
   * while the room's newcomer budget lasts (it takes one place).
   */
  private admits(claim: MemberClaim): boolean {
    const listed = this.members.has(claim.did) || claim.peer === this.ownPeer
    return listed || this.newcomers.take('')
  }

  /**
   * Records that `claim.peer` hosts `claim.did` as of `atMs`. Returns true when the DID
   * was not a member before (a `user-joined`). Our own DID is always a member and never
   * reported; a full registry takes no new DIDs until some leave.
   *
   * `signedAtMs` is given for presences (live or from a backlog answer): one signed before
   * that peer was last seen leaving is a straggler, not a return. Only a live `join`
   * brings a departed peer back at once. Callers pass the start of the `iat` second: one
   * of the leave's own second counts as before it (the end of it brought members back
   * for a whole ttl).
   */
  seen(claim: MemberClaim, atMs: number, signedAtMs?: number): boolean {
    const { did, peer } = claim
    if (peer === this.ownPeer) return false
    const left = this.departed.get(`${did}|${peer}`)
    if (left !== undefined && signedAtMs !== undefined && signedAtMs < left) return false
    let peers = this.members.get(did)
    if (peers === undefined && this.members.size >= this.capacity) return false
    const known = peers?.get(peer)
    // A new entry needs room in the shared budget; a newer claim of a known one replaces it.
    if (known === undefined && this.budget !== undefined && !this.budget.take(claim.jwt.length))
      return false
    const isNew = peers === undefined && did !== this.ownDid
    if (peers === undefined) {
      peers = new Map()
      this.members.set(did, peers)
    }
    if (known === undefined && peers.size >= MAX_PEERS_PER_DID) {
      // One DID naming a new peer in every presence grew a relay's roster without bound
      // (issue 22): the peer heard from longest ago makes room.
      let oldest: [string, PeerPresence] | undefined
      for (const entry of peers)
        if (oldest === undefined || entry[1].lastSeenMs < oldest[1].lastSeenMs) oldest = entry
      if (oldest !== undefined) {
        peers.delete(oldest[0])
        this.budget?.give(oldest[1].jwt.length)
      }
    }
    if (known !== undefined && known.lastSeenMs <= atMs)
      this.budget?.force(claim.jwt.length - known.jwt.length)
    if (known === undefined || known.lastSeenMs <= atMs) {
      peers.set(peer, {
        lastSeenMs: atMs,
        ttlMs: claim.ttlMs,
        relays: claim.relays,
        jwt: claim.jwt,
        ...(claim.account === undefined ? {} : { account: claim.account }),
      })
    }
    return isNew
  }

  /** Forgets one peer of `did` as of `atMs`; true when that was its last peer (a `user-left`). */
  removePeer(did: string, peer: string, atMs: number): boolean {
    const peers = this.members.get(did)
    const presence = peers?.get(peer)
    if (peers === undefined || presence === undefined) return false
    peers.delete(peer)
    this.budget?.give(presence.jwt.length)
    this.departed.set(`${did}|${peer}`, atMs)
    if (peers.size > 0) return false
    this.members.delete(did)
    return did !== this.ownDid
  }

  /** Forgets a peer that went away; returns the DIDs that left with it. */
  removePeerEverywhere(peer: string, atMs: number): string[] {
    const left: string[] = []
    for (const did of [...this.members.keys()]) if (this.removePeer(did, peer, atMs)) left.push(did)
    return left
  }

  /** Forgets peers silent for longer than their claim's ttl; returns the DIDs that left. */
  expire(nowMs: number): string[] {
    const left: string[] = []
    for (const [did, peers] of [...this.members]) {
      for (const [peer, presence] of [...peers]) {
        if (nowMs - presence.lastSeenMs > presence.ttlMs && this.removePeer(did, peer, nowMs)) {
          left.push(did)
        }
      }
    }
    // A presence older than the longest ttl is refused anyway; its departure needs no memory.
    for (const [key, atMs] of this.departed)
      if (nowMs - atMs > MAX_PRESENCE_TTL_S * 1000) this.departed.delete(key)
    return left
  }

  /** The account a member's linked claim names, from any of its peers. */
  accountOf(did: string): LinkedAccount | undefined {
    for (const presence of this.members.get(did)?.values() ?? [])
      if (presence.account !== undefined) return presence.account
    return undefined
  }

  isMember(did: string): boolean {
    return did === this.ownDid || this.members.has(did)
  }

  /** Online DIDs, our own first. */
  list(): string[] {
    return [this.ownDid, ...[...this.members.keys()].filter((did) => did !== this.ownDid)]
  }

  /** Members other than us. */
  get size(): number {
    return this.members.size - (this.members.has(this.ownDid) ? 1 : 0)
  }

  peersOf(did: string): PeerRoute[] {
    return [...(this.members.get(did)?.entries() ?? [])].map(([peer, { relays }]) => ({
      peer,
      relays,
    }))
  }

  /** Whether any other peer hosts a member (every entry has at least one peer). */
  hasRemotePeers(): boolean {
    return this.members.size > 0
  }

  /** Every other peer hosting a member, with the relays it named. */
  remotePeers(): PeerRoute[] {
    const routes = new Map<string, readonly string[]>()
    for (const hosts of this.members.values())
      for (const [peer, { relays }] of hosts) routes.set(peer, relays)
    return [...routes].map(([peer, relays]) => ({ peer, relays }))
  }

  /**
   * Each peer's newest claim, of those heard from at or after `sinceMs`; with `newest`,
   * only that many, those heard from last (a crowd room's answer lists a few).
   */
  presenceJwts(sinceMs = 0, newest?: number): string[] {
    const heard: { jwt: string; lastSeenMs: number }[] = []
    for (const hosts of this.members.values())
      for (const presence of hosts.values())
        if (presence.lastSeenMs >= sinceMs) heard.push(presence)
    if (newest !== undefined && heard.length > newest) {
      heard.sort((a, b) => b.lastSeenMs - a.lastSeenMs)
      heard.length = newest
    }
    return heard.map((presence) => presence.jwt)
  }

  /**
   * Page `page` (from 1) of `size` members, in the order they were first listed: each
   * member's newest claim (one of its peers'), for a crowd room's whole list.
   */
  pageJwts(page: number, size: number): string[] {
    const jwts: string[] = []
    let index = 0
    const first = (page - 1) * size
    for (const hosts of this.members.values()) {
      if (index++ < first) continue
      if (jwts.length >= size) break
      const newest = newestOf(hosts)
      if (newest !== undefined) jwts.push(newest)
    }
    return jwts
  }

  /** The newest claim of `did` (of any of its peers), if it is listed. */
  newestJwt(did: string): string | undefined {
    const hosts = this.members.get(did)
    return hosts === undefined ? undefined : newestOf(hosts)
  }

  /** Forgets every peer of `did` (its relay said it is gone); true when it was listed. */
  removeDid(did: string, atMs: number): boolean {
    let left = false
    for (const peer of [...(this.members.get(did)?.keys() ?? [])])
      left = this.removePeer(did, peer, atMs) || left
    return left
  }

  /**
   * Every claim held counts from `atMs`: a crowd room has ended, and its members' presences
   * come again, each within its own ttl from now (in the crowd none reached us).
   */
  renewAll(atMs: number): void {
    for (const hosts of this.members.values())
      for (const presence of hosts.values())
        presence.lastSeenMs = Math.max(presence.lastSeenMs, atMs)
  }

  clear(): void {
    for (const peers of this.members.values())
      for (const presence of peers.values()) this.budget?.give(presence.jwt.length)
    this.members.clear()
    this.departed.clear()
  }
}

/** The claim heard last of a member's peers. */
function newestOf(hosts: Map<string, PeerPresence>): string | undefined {
  let newest: PeerPresence | undefined
  for (const presence of hosts.values())
    if (newest === undefined || presence.lastSeenMs > newest.lastSeenMs) newest = presence
  return newest?.jwt
}
