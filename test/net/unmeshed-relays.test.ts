/**
 * Issue 22's rule: what an honest forwarder can pass on must never cost it score. Two
 * relay processes that are not meshed (a user's relay beside one a dapp named), a member
 * holding both, who forwards one relay's room into the other, and a flood of valid posts
 * from fresh DIDs on the first, within each attacker connection's limit but over the
 * bridge's at the second. Before, the second relay scored its excess as `reject`,
 * graylisted the bridge within seconds, and the room stayed split.
 */
import { describe, expect, it } from '@jest/globals'
import { PEER_RATE_LIMIT } from '../../src/core/constants.js'
import { type NetPeer, startNetPeer, tradePosts, untilMet } from '../helpers/net-peer.js'
import { rawNodeInRoom } from '../helpers/raw-node.js'
import { useRelays } from '../helpers/relay-fixture.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { freshDidPosts, publishPaced } from '../helpers/valid-flood.js'
import { waitFor } from '../helpers/wait.js'

describe('a room over two relays that are not meshed, bridged by a member', () => {
  const { relays, peers, raws } = useRelays(2)

  it('stays whole through a valid flood over the bridge’s limit: nobody honest is pruned or graylisted', async () => {
    const [relayA, relayB] = relays as [RelayProcess, RelayProcess]
    const start = async (relays: string[]) => {
      const peer = await startNetPeer({ relays, room: 'bridged' })
      peers.push(peer)
      return peer
    }
    const alice = await start([relayA.address])
    const bob = await start([relayB.address])
    const bridge = await start([relayA.address, relayB.address])
    await untilMet(alice, bridge, { timeoutMs: 15_000, what: 'alice and the bridge' })
    await untilMet(bob, bridge, { timeoutMs: 15_000, what: 'bob and the bridge' })
    await untilMet(alice, bob, { timeoutMs: 15_000, what: 'alice and bob, through the bridge' })
    const topic = alice.thread.topic

    // Three connections at A, each within a client's limit there (90 of its 100 a second),
    // 270 a second in all: the bridge hands B more than B takes from one peer.
    // B starts limiting once the bridge's forwards have drained a peer's burst (500) over
    // its refill (100 a second): 6 s needed the bridge to pass on 183 a second, and on a
    // busy machine (the whole suite, one CI run) it passed on fewer; 12 s needs 142.
    const connections = 3
    const perConnection = Math.round(PEER_RATE_LIMIT.perSecond * 0.9)
    const seconds = 12
    raws.push(
      ...(await Promise.all(
        Array.from({ length: connections }, () => rawNodeInRoom(relayA.address, topic)),
      )),
    )
    const batches = raws.map(() => freshDidPosts(topic, perConnection * seconds))
    const limitedAtB = () =>
      relayB.metric('ghost_relay_messages_total{verdict="ignore",reason="rate-limited-peer"}')
    await Promise.all(
      raws.map((raw, r) => publishPaced(raw, topic, batches[r] ?? [], perConnection)),
    )
    // The flood did go over the bridge's limit at B (else this test proves nothing).
    await waitFor(async () => (await limitedAtB()) > 0, {
      timeoutMs: 10_000,
      what: 'B to drop some of the bridge’s forwards',
    })

    // The flood's tail is still in flight at the bridge and at B, whose limit drops what is
    // over it, honest posts too (back-pressure). Once it has passed, the room is one again:
    // a probe from each side gets through (graylisted, the bridge never carried one again),
    const probe = async (from: NetPeer, to: NetPeer, label: string) => {
      for (let attempt = 0; attempt < 40; attempt++) {
        const text = `${label} probe ${attempt}`
        await from.thread.post(text)
        const arrived = await waitFor(() => to.events.allTexts().includes(text), {
          timeoutMs: 1_000,
        }).then(
          () => true,
          () => false,
        )
        if (arrived) return
      }
      throw new Error(`no probe from ${label} got through after the flood`)
    }
    await probe(alice, bob, 'alice')
    await probe(bob, alice, 'bob')
    // and each side hears every one of the other's posts (one at a time: right after the
    // flood B's budget for the bridge refills at 100 a second, and a burst would test that).
    await tradePosts(alice, bob, { also: [bridge], timeoutMs: 5_000 })
    for (const relay of [relayA, relayB]) {
      expect(await relay.metric('ghost_relay_penalized_peers{standing="graylisted"}')).toBe(0)
      expect(await relay.metric('ghost_relay_penalized_peers{standing="pruned"}')).toBe(0)
    }
    // Nor at the members: whatever they dropped (copies, rates, a claim that ran out on a
    // busy machine) was ignored, never scored.
    for (const peer of [alice, bob, bridge]) {
      expect(peer.rejected).toEqual([])
      const pubsub = peer.node.libp2p.services.pubsub as unknown as { getScore(p: string): number }
      for (const relay of peer.node.transport.subscribers(topic))
        expect(pubsub.getScore(relay)).toBeGreaterThanOrEqual(0)
    }
  }, 120_000)
})
