/**
 * Issue 22's rule between members linked directly (as over WebRTC): what an honest
 * neighbour can pass on must never cost it score. Alice holds two relays; Bob holds one of
 * them and a direct link to Alice, and then that relay stops, so Alice is Bob's only way
 * into the room. A valid flood from fresh DIDs at Alice's other relay (3 connections,
 * each within a client's limit there) reaches Bob through Alice at more than Bob takes
 * from one peer: the excess is dropped (back-pressure), Alice keeps her standing at Bob,
 * and the room stays one. Scored as `reject`, Bob would have graylisted Alice and heard
 * nobody. The link is a direct WebSocket connection: a member holds every peer that is
 * not one of its relays to the same per-peer rule whatever the transport, and a WebRTC
 * link between these two did not always form in a loaded suite (webrtc-mesh.test.ts
 * covers WebRTC itself).
 */
import { describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import { PEER_RATE_LIMIT } from '../../src/core/constants.js'
import { explainingFailure, startNetPeer, tradePosts, untilDrained } from '../helpers/net-peer.js'
import { rawNodeInRoom } from '../helpers/raw-node.js'
import { useRelays } from '../helpers/relay-fixture.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { freshDidPosts, publishPaced } from '../helpers/valid-flood.js'
import { waitFor } from '../helpers/wait.js'

describe('a flood over a direct link between two members', () => {
  const { relays, peers, raws } = useRelays(2)

  it('costs the forwarding neighbour nothing: the excess is dropped, the link and the room stay', async () => {
    const [r, s] = relays as [RelayProcess, RelayProcess]
    const alice = await startNetPeer({ relays: [r.address, s.address], room: 'linked' })
    const bob = await startNetPeer({
      relays: [s.address],
      room: 'linked',
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    })
    peers.push(alice, bob)
    const aliceId = alice.node.libp2p.peerId.toString()
    const bobAddress = bob.node.libp2p.getMultiaddrs()[0]
    if (bobAddress === undefined) throw new Error('Bob listens on 127.0.0.1')
    await alice.node.libp2p.dial(multiaddr(bobAddress.toString()))
    await explainingFailure(
      peers,
      waitFor(() => bob.node.transport.subscribers(bob.thread.topic).includes(aliceId), {
        timeoutMs: 20_000,
        what: 'Bob to gossip with Alice over their direct link',
      }),
    )
    // Bob's relay goes: Alice is his only way into the room.
    expect(await s.stop()).toBe(0)
    await waitFor(() => bob.node.relays.connected().length === 0, {
      timeoutMs: 10_000,
      what: 'Bob to notice his relay is gone',
    })
    const topic = alice.thread.topic
    const perConnection = Math.round(PEER_RATE_LIMIT.perSecond * 0.9)
    const seconds = 5
    raws.push(...(await Promise.all([0, 1, 2].map(() => rawNodeInRoom(r.address, topic)))))
    await Promise.all(
      raws.map((raw) =>
        publishPaced(raw, topic, freshDidPosts(topic, perConnection * seconds), perConnection),
      ),
    )
    // The flood did go over what Bob takes from Alice (else this test proves nothing).
    await waitFor(() => bob.refusals.some((reason) => reason.endsWith('rate-limited-peer')), {
      timeoutMs: 10_000,
      what: 'Bob to drop some of what Alice forwarded',
    })
    // Once it has passed, Alice's posts reach Bob and his reach her, one after another.
    await untilDrained(bob)
    await tradePosts(alice, bob)
    expect(bob.rejected).toEqual([])
    const pubsub = bob.node.libp2p.services.pubsub as unknown as { getScore(p: string): number }
    expect(pubsub.getScore(aliceId)).toBeGreaterThanOrEqual(0)
  }, 90_000)
})
