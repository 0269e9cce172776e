/**
 * Gossipsub keeps one stream each way per peer and never opens a new one when its stream
 * dies: a stream aborted under load (a busy peer's read buffer overflowing, a write buffer
 * past its limit) left that peer sending into the room and hearing nothing of it, for as
 * long as the connection lived (1 run in 5 of the crowd tests on a loaded 2-core machine).
 * We look for connections that carried gossip both ways and have lost a direction of it,
 * and hang them up: the peer redials its relay, announces itself again and fetches the
 * backlog, so the gap closes in seconds.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import { GOSSIP_STREAM_WATCH_MS } from './constants.js'

export interface GossipStreamWatchInit {
  /** Whether gossip with this peer is expected (a relay for a peer; a room member for a relay). */
  expected: (peer: string) => boolean
  /** Told about each connection hung up, for metrics. */
  onBroken?: (peer: string) => void
  everyMs?: number
}

/** Starts watching; returns the stop function. */
export function watchGossipStreams(node: Libp2p, init: GossipStreamWatchInit): () => void {
  // Connections seen with gossip both ways. Only those are judged: under load a new
  // connection's streams can take many seconds to open (200 peers joining a relay on 2
  // cores: 718 healthy connections hung up when age alone was the test).
  const healthy = new Set<string>()
  const timer = setInterval(() => {
    const open = new Set<string>()
    for (const connection of node.getConnections()) {
      open.add(connection.id)
      if (!carriesGossip(connection)) continue
      const directions = gossipDirections(connection)
      if (directions === 2) {
        healthy.add(connection.id)
        continue
      }
      if (!healthy.has(connection.id)) continue
      const peer = connection.remotePeer.toString()
      if (!init.expected(peer)) continue
      healthy.delete(connection.id)
      init.onBroken?.(peer)
      void connection.close().catch(() => connection.abort(new Error('gossip stream lost')))
    }
    for (const id of healthy) if (!open.has(id)) healthy.delete(id)
  }, init.everyMs ?? GOSSIP_STREAM_WATCH_MS)
  ;(timer as { unref?: () => void }).unref?.()
  return () => clearInterval(timer)
}

/** Open, unlimited (gossipsub does not run over relayed circuits). */
function carriesGossip(connection: Connection): boolean {
  return connection.status === 'open' && connection.limits === undefined
}

/** How many directions of gossip the connection carries now (0, 1 or 2). */
function gossipDirections(connection: Connection): number {
  const gossip = connection.streams.filter((stream) => stream.protocol.startsWith('/meshsub/'))
  return new Set(gossip.map((stream) => stream.direction)).size
}
