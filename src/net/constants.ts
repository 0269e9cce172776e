/**
 * Network tuning. Each number cites the measurement or limit it comes from
 * (`../shared/FIELD-NOTES.md` for the gossipsub ones).
 */
import { MAX_BACKLOG_RESPONSE_BYTES, MAX_JWT_BYTES } from '../core/constants.js'

/** pubsub-peer-discovery's topic: peers announce their addresses through the relays. */
export const DISCOVERY_TOPIC = '_peer-discovery._p2p._pubsub'

/** How often a peer re-announces its addresses (the library default is 10 s; a DM to a peer on another relay waits for it). */
export const DISCOVERY_INTERVAL_MS = 3_000

/** A direct-protocol request is one JWT. */
export const MAX_REQUEST_BYTES = MAX_JWT_BYTES
/** A direct-protocol answer: a DM status is small, a backlog answer is bounded by the core. */
export const MAX_RESPONSE_BYTES = MAX_BACKLOG_RESPONSE_BYTES

/**
 * Gossipsub mesh degree on a relay. A relay is the hub of every room it serves and needs a
 * degree at least the room's size: with the default (6/12) a 20-peer room kept only 12
 * peers in the relay's mesh, p99 1.9 s and 2% lost.
 */
export const RELAY_MESH = { D: 64, Dlo: 32, Dhi: 128, Dout: 16 }

/**
 * Connection-manager limits of a relay. The defaults (5 inbound per second per IP, 10
 * pending) failed half of 20 simultaneous joins; a NAT or a test machine is one IP.
 */
export const RELAY_CONNECTIONS = {
  maxConnections: 4_096,
  maxIncomingPendingConnections: 512,
  inboundConnectionThreshold: 1_000,
}

/** Circuit-relay-v2 reservations: one per browser that is reachable through this relay. */
export const RELAY_RESERVATIONS = {
  maxReservations: 2_048,
  /**
   * Circuits carry WebRTC signalling, DMs and backlog answers (chat itself flows through
   * the relay's gossipsub). The library's 2 min / 128 KiB would cut a large backlog.
   */
  defaultDurationLimit: 10 * 60_000,
  defaultDataLimit: 16n * 1024n * 1024n,
}

/** Messages queued while no subscriber of the topic is known yet, per topic. */
export const PUBLISH_QUEUE_LIMIT = 256
/** A queued message older than this is dropped: receivers would refuse it as too old. */
export const PUBLISH_QUEUE_MAX_AGE_MS = 60_000

/** Redialling a relay that went away: exponential backoff between these bounds. */
export const RELAY_REDIAL_MIN_MS = 250
export const RELAY_REDIAL_MAX_MS = 5_000

/** WebRTC dials to room peers: first dials often time out ("signal timed out"), so retry. */
export const WEBRTC_DIAL_ATTEMPTS = 5
export const WEBRTC_DIAL_TIMEOUT_MS = 10_000
export const WEBRTC_RETRY_DELAY_MS = 1_000
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

/** Longest a join waits to be in a gossipsub mesh: two heartbeats (1 s each by default). */
export const MESH_WAIT_MS = 2_000
/** How often that wait looks at the mesh. */
export const MESH_POLL_MS = 20
