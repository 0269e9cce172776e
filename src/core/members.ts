/**
 * Who is in a room. A member is a DID; it is online while at least one peer hosting it
 * keeps announcing itself. 3box keyed members by peer id and leaked those ids to dapps;
 * here dapps see DIDs only, and peer ids serve to reach a member for direct messages.
 */

interface PeerPresence {
  lastSeenMs: number
  /** The newest join/presence JWT from that peer, handed to late joiners. */
  jwt: string
}

export class MemberRegistry {
  private readonly members = new Map<string, Map<string, PeerPresence>>()
  /**
   * When each `did|peer` left. A backlog answer can hold a presence signed before a member
   * left and arrive after it: without this, the member would come back as a ghost.
   */
  private readonly departed = new Map<string, number>()

  constructor(
    readonly ownDid: string,
    readonly ownPeer: string,
    private readonly expiryMs: number,
  ) {}

  /**
   * Records that `peer` hosts `did` as of `atMs`. Returns true when `did` was not a member
   * before (a `user-joined`). Our own DID is always a member and never reported.
   *
   * `signedAtMs` is given for presences (live or from a backlog answer): one signed before
   * that peer was last seen leaving is a straggler, not a return. Only a live `join`
   * brings a departed peer back at once.
   */
  seen(did: string, peer: string, atMs: number, jwt: string, signedAtMs?: number): boolean {
    if (peer === this.ownPeer) return false
    const left = this.departed.get(`${did}|${peer}`)
    if (left !== undefined && signedAtMs !== undefined && signedAtMs < left) return false
    let peers = this.members.get(did)
    const isNew = peers === undefined && did !== this.ownDid
    if (peers === undefined) {
      peers = new Map()
      this.members.set(did, peers)
    }
    const known = peers.get(peer)
    if (known === undefined || known.lastSeenMs <= atMs) peers.set(peer, { lastSeenMs: atMs, jwt })
    return isNew
  }

  /** Forgets one peer of `did` as of `atMs`; true when that was its last peer (a `user-left`). */
  removePeer(did: string, peer: string, atMs: number): boolean {
    const peers = this.members.get(did)
    if (peers === undefined || !peers.delete(peer)) return false
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

  /** Forgets peers silent for longer than the expiry; returns the DIDs that left. */
  expire(nowMs: number): string[] {
    const left: string[] = []
    for (const [did, peers] of [...this.members]) {
      for (const [peer, presence] of [...peers]) {
        if (nowMs - presence.lastSeenMs > this.expiryMs && this.removePeer(did, peer, nowMs)) {
          left.push(did)
        }
      }
    }
    // Presences older than the expiry are refused anyway; their departures need no memory.
    for (const [key, atMs] of this.departed)
      if (nowMs - atMs > this.expiryMs) this.departed.delete(key)
    return left
  }

  isMember(did: string): boolean {
    return did === this.ownDid || this.members.has(did)
  }

  /** Online DIDs, our own first. */
  list(): string[] {
    return [this.ownDid, ...[...this.members.keys()].filter((did) => did !== this.ownDid)]
  }

  peersOf(did: string): string[] {
    return [...(this.members.get(did)?.keys() ?? [])]
  }

  /** Whether any other peer hosts a member (every entry has at least one peer). */
  hasRemotePeers(): boolean {
    return this.members.size > 0
  }

  /** Every other peer hosting a member. */
  remotePeers(): string[] {
    const peers = new Set<string>()
    for (const hosts of this.members.values()) for (const peer of hosts.keys()) peers.add(peer)
    return [...peers]
  }

  presenceJwts(): string[] {
    const jwts: string[] = []
    for (const hosts of this.members.values())
      for (const presence of hosts.values()) jwts.push(presence.jwt)
    return jwts
  }

  clear(): void {
    this.members.clear()
    this.departed.clear()
  }
}
