/**
 * Gossipsub settings shared by every Ghost Threads node, and the relay's hub tuning.
 */
import { type GossipsubOpts, StrictNoSign } from '@libp2p/gossipsub'
import { sha256 } from '@noble/hashes/sha2.js'
import { MAX_MESSAGE_BYTES } from '../core/constants.js'
import { PEER_PENALTY, RELAY_MESH, RELAY_TOPIC_BUDGET_ROOMS } from './constants.js'
import type { PeerPenalties } from './peer-penalties.js'

export type NodeRole = 'peer' | 'relay'

/**
 * The message id is a hash of the payload: with `StrictNoSign` gossipsub has no sender or
 * sequence number to build one from, and the payload (a JWT with a random `jti`) is
 * unique anyway. Identical bytes are one message, however many routes they take.
 */
export function contentMessageId(message: { data?: Uint8Array }): Uint8Array {
  return sha256(message.data ?? new Uint8Array())
}

/** `penalties` scores the peers whose messages our receipt rules rejected (peer-penalties.ts). */
export function gossipsubOptions(role: NodeRole, penalties: PeerPenalties): Partial<GossipsubOpts> {
  return {
    // Authorship is the JWT's job; the libp2p peer id stays out of messages (DESIGN.md).
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: contentMessageId,
    // Our transport queues until a subscriber is known; a lone publish must not throw.
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    // Own posts are delivered by the core itself (FIELD-NOTES: emitSelf defaults to false).
    emitSelf: false,
    // No IDONTWANT for our messages (all under MAX_MESSAGE_BYTES; the library sends one
    // from 512 bytes). In a room around a relay it saves nothing: the relay sent one to
    // every member in the room before forwarding them the message itself, a second frame
    // per member per message, and each member sent one to its other relay.
    idontwantMinDataSize: MAX_MESSAGE_BYTES + 1,
    scoreParams: {
      // Colocation scoring ignored every peer beyond 10 on one IP: a NAT, a campus, a test
      // machine (950 of 950 messages lost). Authorship and rate limits are per DID here,
      // so many peers on one address cost an attacker nothing they could not do anyway.
      IPColocationFactorWeight: 0,
      appSpecificScore: (peer) => penalties.score(peer),
      appSpecificWeight: 1,
    },
    scoreThresholds: PEER_PENALTY.thresholds,
    ...(role === 'relay'
      ? { ...RELAY_MESH, maxTopicBytesPerPeer: RELAY_TOPIC_BUDGET_ROOMS * (1024 + 128) }
      : {}),
  }
}
