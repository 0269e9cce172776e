/**
 * Who is in a thread's room, as it changes: a member's claim heard (live, or in a backlog
 * answer), a leave, a claim run out, a peer gone from the topic. The registry keeps the
 * claims (members.ts); this says what each change means for the thread: a member joined
 * or left, the first other member appeared (the catch-up may ask it), a relay began to
 * serve the room.
 */
import type { ClaimArrival, MemberRegistry } from './members.js'
import { memberClaim } from './members.js'
import type { MemberClaims } from './schema.js'
import type { SubscriptionChange } from './transport.js'
import type { LinkedAccount } from './wallet-link.js'

export interface ThreadMembershipInit {
  topic: string
  members: MemberRegistry
  now: () => number
  joined: (did: string, account?: LinkedAccount) => void
  left: (did: string) => void
  /** The first other member became known. */
  firstMember: () => void
  /** A peer subscribed to the room (maybe a relay that serves it now). */
  serverAppeared: (peer: string) => void
}

export class ThreadMembership {
  constructor(private readonly init: ThreadMembershipInit) {}

  seen(claims: MemberClaims, jwt: string, came: ClaimArrival, account?: LinkedAccount): void {
    const { members, now } = this.init
    const hadPeers = members.hasRemotePeers()
    if (members.heard(memberClaim(claims, jwt, account), claims.iat, came, now()))
      this.init.joined(claims.iss, account)
    if (!hadPeers && members.hasRemotePeers()) this.init.firstMember()
  }

  /** A member's signed leave, for one of its peers. */
  leave(did: string, peer: string): void {
    if (this.init.members.removePeer(did, peer, this.init.now())) this.init.left(did)
  }

  /** A member its relay said is gone (a crowd room's digest): every peer of it. */
  gone(did: string): void {
    if (this.init.members.removeDid(did, this.init.now())) this.init.left(did)
  }

  /** Members whose claims ran out. */
  expire(): void {
    for (const did of this.init.members.expire(this.init.now())) this.init.left(did)
  }

  subscriptionChanged(change: SubscriptionChange): void {
    if (change.topic !== this.init.topic) return
    if (change.subscribed) {
      this.init.serverAppeared(change.peerId)
      return
    }
    const gone = this.init.members.removePeerEverywhere(change.peerId, this.init.now())
    for (const did of gone) this.init.left(did)
  }
}
