/**
 * Network tuning. Each number cites the measurement or limit it comes from
 * (`docs/FIELD-NOTES.md` for the gossipsub ones).
 */
import { MAX_BACKLOG_RESPONSE_BYTES, MAX_JWT_BYTES, WIRE_VERSION } from '../core/constants.js'

/** A direct-protocol request is one JWT. */
export const MAX_REQUEST_BYTES = MAX_JWT_BYTES
/** A direct-protocol answer: a DM status is small, a backlog answer is bounded by the core. */
export const MAX_RESPONSE_BYTES = MAX_BACKLOG_RESPONSE_BYTES

/**
 * Gossipsub mesh degree on a relay. A relay is the hub of every room it serves and must
 * keep every member of the room in its mesh: with the default (6/12) a 20-peer room kept
 * only 12 peers in the relay's mesh, p99 1.9 s and 2% lost, and a pruned peer waits out a
 * 60 s backoff with messages only from gossip. `Dlo` that high also makes the relay graft
 * a member the moment it subscribes, not at the next heartbeat.
 */
export const RELAY_MESH = { D: 8_192, Dlo: 8_192, Dhi: 8_192, Dout: 16 }

/**
 * A relay's RPCs to one peer within one turn go as one (gossip-rpc-batches.ts), sent early
 * at this many messages or bytes of them: a peer decodes at most 5,000 messages and 4 MiB
 * an RPC.
 */
export const RPC_BATCH_MESSAGES = 1_000
export const RPC_BATCH_BYTES = 1_048_576

/**
 * How often each side pings the other to find a dead connection (libp2p's default is
 * 10 s, from both ends). A ping is a new stream with its protocol negotiation: 50 idle
 * peers cost an idle relay 12% of a core in pings alone (3% without). Peers ping their
 * relays every minute (a relay that dies without closing is left within ~1 min; the
 * peer's other relay carries its rooms meanwhile); a relay pings its peers every 2 min (a
 * vanished browser's reservation ends within ~2 min).
 */
export const PEER_PING_INTERVAL_MS = 60_000
export const RELAY_PING_INTERVAL_MS = 120_000
/**
 * How long a ping may take before libp2p aborts the connection (its adaptive timeout
 * starts at 5 s). A ping that slow is a busy peer, not a dead one: with 300 peers joining
 * a relay on 2 cores, pings waited over 5 s, 104 healthy connections were aborted, and
 * every peer that redialled and joined again added to the load that had made them slow.
 * A connection that is really dead is still left within a ping interval and this.
 */
export const PING_TIMEOUT_MS = { minTimeout: 30_000, maxTimeout: 60_000 }

/**
 * Connection-manager limits of a relay. The defaults (5 inbound per second per IP, 10
 * pending) failed half of 20 simultaneous joins; a NAT or a test machine is one IP.
 */
export const RELAY_CONNECTIONS = {
  maxConnections: 4_096,
  maxIncomingPendingConnections: 512,
  inboundConnectionThreshold: 1_000,
}

/**
 * Circuit-relay-v2 reservations: one per browser that is reachable through this relay. The
 * library keeps one for its whole ttl (2 h) after its connection closed, so 2,048 throw-away
 * peer ids filled the store; the relay now drops a reservation with its connection
 * (relay-server.ts) and refreshes live ones every 10 minutes.
 */
export const RELAY_RESERVATIONS = {
  maxReservations: 8_192,
  reservationTtl: 10 * 60_000,
  /**
   * Circuits carry WebRTC signalling, DMs and backlog answers (chat itself flows through
   * the relay's gossipsub). The library's 2 min / 128 KiB would cut a large backlog.
   */
  defaultDurationLimit: 10 * 60_000,
  defaultDataLimit: 16n * 1024n * 1024n,
}

/**
 * Reservations from one IP address. A NAT or a campus shares one address, so not one; a
 * single machine making thousands of peer ids is refused past this. Test rigs running
 * hundreds of peers on 127.0.0.1 raise it (`--max-reservations-per-ip`).
 */
export const MAX_RESERVATIONS_PER_IP = 64

/**
 * Rooms one client connection may have a relay mirror (a tab holds a few; the extension
 * holds every tab's rooms on one connection). Past it the relay hangs up.
 */
export const MAX_ROOMS_PER_CONNECTION = 256

/**
 * The topics a relay accepts from one peer in gossipsub's per-peer budget (each costs its
 * length plus ~1 KiB there): the default (~1,000) is too small for another relay, which
 * tells us about all of its rooms. Clients are held to MAX_ROOMS_PER_CONNECTION anyway.
 */
export const RELAY_TOPIC_BUDGET_ROOMS = 50_000

/** Relays tell their peers which relays they are meshed with (relay-directory.ts). */
export const RELAYS_PROTOCOL = `/ghost-threads/relays/${WIRE_VERSION}.0.0`
/** Relays one answer may name. */
export const MAX_TOLD_RELAYS = 32
/** An unknown relay named by a member makes us ask our relays again, at most this often. */
export const RELAY_DIRECTORY_REFRESH_MS = 5_000

/**
 * A relay that has just (re)started cannot know what its rooms said before: rooms it
 * begins to carry this soon after starting are not vouched for as complete, and their
 * newcomers ask members for the posts as well. Peers come back to a restarted relay
 * within seconds (RELAY_REDIAL_MAX_MS, then a join).
 */
export const RELAY_HISTORY_WARMUP_MS = 30_000

/**
 * Posts a relay holds for newcomers, all rooms together (each room keeps its newest
 * RELAY_BACKLOG_POSTS). 10,000 rooms of 50 posts of 300 B fit; past it the quietest rooms
 * lose their posts first.
 */
export const RELAY_POSTS_BUDGET_BYTES = 128 * 1024 * 1024
/**
 * Members' claims a relay holds for newcomers, all rooms together. Honest ones are ~0.6–
 * 1.5 KiB, so this is ~250,000 members. Past it no room takes a new entry (a newer claim
 * of a listed member still replaces its own) until entries expire: newcomers then learn
 * later members from the members themselves. Unbounded, one connection's throw-away DIDs
 * could make a relay hold 100/s × 1,000 s × 8 KiB ≈ 800 MiB (issue 22).
 */
export const RELAY_ROSTER_BUDGET_BYTES = 256 * 1024 * 1024

/** How often a relay forgets members whose presence ran out. */
export const ROSTER_SWEEP_MS = 5_000

/** Messages queued while no subscriber of the topic is known yet, per topic. */
export const PUBLISH_QUEUE_LIMIT = 256
/** A queued message older than this is dropped: receivers would refuse it as too old. */
export const PUBLISH_QUEUE_MAX_AGE_MS = 60_000

/**
 * Relays a peer holds at once, out of those configured. Two: a room goes on without a
 * gap when one stops, and a crowd still spreads over the rest (each relay carries about
 * 2/R of the peers). Relays themselves mesh with every relay they are given.
 */
export const RELAYS_PER_PEER = 2

/** How often a node checks that its gossip connections still carry both streams (gossip-stream-watch.ts). */
export const GOSSIP_STREAM_WATCH_MS = 2_000

/** Redialling a relay that went away: exponential backoff between these bounds. */
export const RELAY_REDIAL_MIN_MS = 250
export const RELAY_REDIAL_MAX_MS = 5_000

/**
 * WebRTC dials to room peers: first dials often time out ("signal timed out"), so retry
 * quickly this many times, waiting WEBRTC_RETRY_DELAY_MS longer after each failure...
 */
export const WEBRTC_DIAL_ATTEMPTS = 5
export const WEBRTC_DIAL_TIMEOUT_MS = 10_000
export const WEBRTC_RETRY_DELAY_MS = 1_000
/**
 * ...then once per this while the peer shares a room with us. The dialer used to give up
 * after the quick tries: a peer unreachable for a minute (in 2 of 5 suite runs, one with no
 * reservation on the relay dialled through: create-peer-node.ts) was never linked directly
 * for the rest of the session, even once it could be.
 */
export const WEBRTC_SLOW_RETRY_MS = 30_000
/** How often the dialer looks for room peers it is not directly connected to. */
export const WEBRTC_SCAN_INTERVAL_MS = 2_000
/** Direct connections kept at most; beyond that, traffic goes through the relay mesh. */
export const WEBRTC_MAX_PEERS = 32

/**
 * Relays introduce themselves with this user agent (identify), so a relay can tell other
 * relays from members: a meshed relay must not keep a room alive on its own.
 * (The hop protocol does not tell: libp2p records it for every peer that made a reservation.)
 */
export const RELAY_AGENT_PREFIX = 'ghost-threads-relay/'

/** After a relay comes back, how long rooms wait for it to serve them before re-announcing anyway. */
export const RESUBSCRIBE_WAIT_MS = 10_000

/** Longest a join waits for a configured relay to be connected (then for the mesh, below). */
export const RELAY_CONNECT_WAIT_MS = 10_000

/** Longest a join waits to be in a gossipsub mesh: two heartbeats (1 s each by default). */
export const MESH_WAIT_MS = 2_000
/** How often that wait looks at the mesh. */
export const MESH_POLL_MS = 20
/**
 * A space's node stops this long after its last room closed: a tab reloading or moving
 * to another room keeps its relay connections, and a user who visited twenty dapps today
 * does not hold twenty nodes and their relay connections until the browser closes.
 */
export const SPACE_IDLE_STOP_MS = 60_000
/**
 * `iss|jti` pairs a relay remembers at once (REPLAY_WINDOW_S each): ~7,700 messages a
 * second sustained, beyond what one relay process verifies; ~100 MiB at most (hashed pairs,
 * seen-jtis.ts; 500,000 string pairs took ~94 MiB). A flooded room fills its own share;
 * the other rooms go on.
 */
export const RELAY_SEEN_JTI_CAPACITY = 1_000_000

/**
 * What a refused message costs the peer that handed it to us (peer-penalties.ts), as its
 * gossipsub application score. A `reject` is something no honest forwarder passes on (a
 * bad signature, a malformed JWT, more than PEER_RATE_LIMIT): it adds one penalty point,
 * and points halve every `halfLifeMs`. The first `allowance` points cost nothing (a peer
 * on another release refusing something new). Past them the score goes negative and
 * gossipsub acts on its thresholds: below 0 the peer is pruned from our meshes at the next
 * heartbeat, below `graylist` every RPC it sends is dropped unread. Without this a peer
 * sending 2,000 forged messages a second stayed in the relay's mesh, held it at 104% of
 * a core, and honest p99 went from 7 ms to 1.6 s (issue 12): no topic score parameters
 * were set, so gossipsub's own invalid-message counter (P4) counted nothing.
 */
export const PEER_PENALTY = {
  allowance: 10,
  halfLifeMs: 60_000,
  thresholds: { gossipThreshold: -10, publishThreshold: -50, graylistThreshold: -80 },
}

// libp2p-transport.ts
/** Longest one quick route (an open connection, a circuit) may take before the next is tried. */
export const ROUTE_TIMEOUT_MS = 1_500
/** Circuits refused because the peer has no reservation yet: how often, how far apart. */
export const CIRCUIT_RETRIES = 8
export const CIRCUIT_RETRY_MS = 250
