/**
 * Which of its rooms a relay tells each peer about. Gossipsub tells every connected peer
 * about every topic it subscribes to, and a relay subscribes to every room its members
 * use: v1 sent each browser the relay's whole room list, on connect and on every change,
 * and a peer's gossipsub keeps only ~1,000 topics per remote peer (`maxTopicBytesPerPeer`),
 * so rooms opened after the first thousand looked empty to their members and were dead (a
 * post waited in the publish queue until it was dropped). A relay now tells a member only
 * about the rooms that member is in, and other relays about all of them.
 */
import type { GossipSub } from '@libp2p/gossipsub'

export interface RoomAnnouncer {
  /** Tells `peer` that we serve these topics (a member that just subscribed, a relay that just identified). */
  announce(peer: string, topics: string[]): void
}

/** gossipsub's own (private) way to send our subscriptions to one peer. */
type SendSubscriptions = (toPeer: string, topics: string[], subscribe: boolean) => void

export function announceOnlyToMembers(
  pubsub: GossipSub,
  isRelay: (peer: string) => boolean,
): RoomAnnouncer {
  const internals = pubsub as unknown as { sendSubscriptions: SendSubscriptions }
  const send = internals.sendSubscriptions.bind(pubsub)
  const isMember = (peer: string, topic: string): boolean =>
    pubsub.getSubscribers(topic).some((subscriber) => subscriber.toString() === peer)
  // Gossipsub calls this on every new stream (all our topics), and on each subscribe and
  // unsubscribe (to every peer). Each call keeps only what that peer should hear.
  internals.sendSubscriptions = (toPeer, topics, subscribe) => {
    const shown = isRelay(toPeer) ? topics : topics.filter((topic) => isMember(toPeer, topic))
    if (shown.length > 0) send(toPeer, shown, subscribe)
  }
  return {
    announce(peer, topics) {
      if (topics.length > 0) send(peer, topics, true)
    },
  }
}
