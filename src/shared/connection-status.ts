/**
 * A page's view of its connection, the same from the extension and the in-page host
 * (DESIGN.md "Dapp API"): the host says each room's state as a `status` thread event when
 * it changes, and the provider's `status()` and `status` event sum up the page's rooms.
 * A page used to learn nothing: with its relay down, `post()` resolved and `joinThread()`
 * "succeeded", and only the popup knew (issue 23).
 */

/**
 * `online`: a relay or a member's peer is connected; `connecting`: not yet, shortly after
 * the join; `offline`: neither, after that or after being online. A room with nobody else
 * in it is online as long as its relay is connected.
 */
export type ConnectionState = 'online' | 'connecting' | 'offline'

/** One room's connection, as the host tells it (a `status` thread event). */
export interface RoomConnection {
  state: ConnectionState
  /**
   * The relays this room runs through, counted: the user's own addresses are theirs to
   * know (a self-hosted relay names its owner), so a page learns how many, not which.
   */
  relays: { connected: number; total: number }
  /** The relays the site named in openSpace(), by address: the page chose them. */
  siteRelays: { address: string; connected: boolean }[]
  /** Peers that carry this room's messages to and from us now (relays and members). */
  peers: number
  /** Of those, members' peers reached directly (WebRTC), without a relay. */
  directPeers: number
  /** From the join to the first relay or member reached; null until then. */
  firstPeerMs: number | null
  /** What a post made now does: goes out at once (`sent`) or waits (`queued`). */
  posting: 'sent' | 'queued'
}

/** One room's connection, named (the provider's status lists each open room). */
export interface RoomStatus extends RoomConnection {
  space: string
  room: string
}

/**
 * The page's connection: `state` is the worst of its rooms' (one room offline makes the
 * page offline), `idle` while it has no room open.
 */
export interface ConnectionStatus {
  state: ConnectionState | 'idle'
  rooms: RoomStatus[]
}

const WORST_FIRST: ConnectionState[] = ['offline', 'connecting', 'online']

export function connectionStatusOf(rooms: RoomStatus[]): ConnectionStatus {
  if (rooms.length === 0) return { state: 'idle', rooms }
  const state = WORST_FIRST.find((worst) => rooms.some((room) => room.state === worst))
  return { state: state ?? 'online', rooms }
}
