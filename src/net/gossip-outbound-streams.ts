/**
 * Gossipsub opens its outbound stream to each new peer one peer at a time: a queue that
 * awaits each stream's protocol negotiation before starting the next. One negotiation is a
 * round trip to the peer, and a busy peer answers late: with 150 peers joining 3 relays on
 * 2 cores each took ~1 s, the relay's queue grew past 300, and peers that joined late
 * waited minutes before the relay sent them anything (they heard nothing of the room).
 * Here each peer's stream opens at once, without waiting for the others; a peer still gets
 * at most one stream opening at a time, as the queue guaranteed.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { Connection, PeerId } from '@libp2p/interface'

/** gossipsub's own (private) opener, called by its queue for each connected peer. */
type CreateOutboundStream = (peerId: PeerId, connection: Connection) => Promise<void>

export function openGossipStreamsConcurrently(pubsub: GossipSub): void {
  const internals = pubsub as unknown as { createOutboundStream?: CreateOutboundStream }
  // A private method: a gossipsub release without it must fail here, loudly, not slow down.
  if (typeof internals.createOutboundStream !== 'function')
    throw new Error('gossipsub has no createOutboundStream: update gossip-outbound-streams.ts')
  const open = internals.createOutboundStream.bind(pubsub)
  // Per peer: the newest connection asked for while one opening is in flight (a peer that
  // reconnected meanwhile must get its stream on the new connection).
  const opening = new Map<string, Connection | undefined>()
  const openFor = async (peerId: PeerId, connection: Connection): Promise<void> => {
    const id = peerId.toString()
    let next: Connection | undefined = connection
    opening.set(id, undefined)
    try {
      while (next !== undefined) {
        // gossipsub's opener skips a peer that already has a stream and logs its failures.
        await open(peerId, next)
        next = opening.get(id)
        opening.set(id, undefined)
      }
    } finally {
      opening.delete(id)
    }
  }
  // The queue calls this and waits for it: it returns at once, so the queue never stalls.
  internals.createOutboundStream = async (peerId, connection) => {
    const id = peerId.toString()
    if (opening.has(id)) {
      opening.set(id, connection)
      return
    }
    void openFor(peerId, connection)
  }
}
