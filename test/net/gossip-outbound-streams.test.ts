import { describe, expect, it } from '@jest/globals'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Connection, PeerId } from '@libp2p/interface'
import { openGossipStreamsConcurrently } from '../../src/net/gossip-outbound-streams.js'

/**
 * A stand-in for gossipsub's private opener: each call waits until the test lets it finish.
 * The real path (relays serving 100 members, crowd.test.ts) runs through the same patch.
 */
function fakeGossipsub() {
  const calls: Array<{ peer: string; connection: string; finish: () => void }> = []
  const pubsub = {
    createOutboundStream(peerId: PeerId, connection: Connection): Promise<void> {
      return new Promise((resolve) => {
        calls.push({ peer: peerId.toString(), connection: connection.id, finish: resolve })
      })
    },
  }
  const open = (peer: string, connection: string) =>
    (
      pubsub as unknown as { createOutboundStream: (p: unknown, c: unknown) => Promise<void> }
    ).createOutboundStream({ toString: () => peer }, { id: connection })
  return { pubsub: pubsub as unknown as GossipSub, calls, open }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('openGossipStreamsConcurrently', () => {
  it('opens a stream to every peer at once: a slow peer holds up nobody else', async () => {
    const { pubsub, calls, open } = fakeGossipsub()
    openGossipStreamsConcurrently(pubsub)
    // gossipsub's queue awaits each call before the next: each must return at once.
    await open('slow', 'c1')
    await open('quick', 'c2')
    await tick()
    expect(calls.map((call) => call.peer)).toEqual(['slow', 'quick'])
  })

  it('opens one stream at a time per peer, and the newest connection asked for meanwhile next', async () => {
    const { pubsub, calls, open } = fakeGossipsub()
    openGossipStreamsConcurrently(pubsub)
    await open('a', 'old')
    await open('a', 'newer')
    await open('a', 'newest')
    await tick()
    expect(calls.map((call) => call.connection)).toEqual(['old'])
    calls[0]?.finish()
    await tick()
    expect(calls.map((call) => call.connection)).toEqual(['old', 'newest'])
    calls[1]?.finish()
    await tick()
    // Done: a later ask opens again (gossipsub itself skips a peer that has a stream).
    await open('a', 'later')
    await tick()
    expect(calls.map((call) => call.connection)).toEqual(['old', 'newest', 'later'])
  })

  it('refuses a gossipsub without the opener it replaces, saying what to update', () => {
    expect(() => openGossipStreamsConcurrently({} as GossipSub)).toThrow(
      /createOutboundStream.*gossip-outbound-streams/,
    )
  })
})
