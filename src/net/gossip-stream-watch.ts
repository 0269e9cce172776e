/**
 * Gossipsub keeps one stream each way per peer and never opens a new one when its stream
 * dies: a stream aborted under load (a busy peer's read buffer overflowing, a write buffer
 * past its limit) left that peer sending into the room and hearing nothing of it, for as
 * long as the connection lived (1 run in 5 of the crowd tests on a loaded 2-core machine).
 * We look for connections that should carry gossip and have lost a direction of it, and
 * hang them up: the peer redials its relay, announces itself again and fetches the
 * backlog, so the gap closes in seconds.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import { GOSSIP_STREAM_GRACE_MS, GOSSIP_STREAM_WATCH_MS } from './constants.js'

export interface GossipStreamWatchInit {
  /** Whether gossip with this peer is expected (a relay for a peer; a room member for a relay). */
  expected: (peer: string) => boolean
  /** Told about each connection hung up, for metrics. */
  onBroken?: (peer: string) => void
  everyMs?: number
}

/** Starts watching; returns the stop function. */
export function watchGossipStreams(node: Libp2p, init: GossipStreamWatchInit): () => void {
  const timer = setInterval(() => {
    for (const connection of node.getConnections()) {
      if (!isBroken(connection)) continue
      const peer = connection.remotePeer.toString()
      if (!init.expected(peer)) continue
      init.onBroken?.(peer)
      void connection.close().catch(() => connection.abort(new Error('gossip stream lost')))
    }
  }, init.everyMs ?? GOSSIP_STREAM_WATCH_MS)
  ;(timer as { unref?: () => void }).unref?.()
  return () => clearInterval(timer)
}

/** An unlimited connection, old enough to have both gossip streams, that lacks one (or both). */
function isBroken(connection: Connection): boolean {
  if (connection.status !== 'open' || connection.limits !== undefined) return false
  if (Date.now() - connection.timeline.open < GOSSIP_STREAM_GRACE_MS) return false
  const gossip = connection.streams.filter((stream) => stream.protocol.startsWith('/meshsub/'))
  const directions = new Set(gossip.map((stream) => stream.direction))
  return !(directions.has('inbound') && directions.has('outbound'))
}
