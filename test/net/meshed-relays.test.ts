/**
 * Scale-out is more relays, not a bigger one: two relay processes meshed with `--peer`,
 * a peer on each, one room. Chat, presence and a DM cross from one relay to the other.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import { RELAY_AGENT_PREFIX } from '../../src/net/constants.js'
import { type NetPeer, startNetPeer, stopAll, untilMet } from '../helpers/net-peer.js'
import { rawGossipNode } from '../helpers/raw-node.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { sleep, waitFor } from '../helpers/wait.js'

describe('two meshed relays', () => {
  let east: RelayProcess
  let west: RelayProcess
  const peers: NetPeer[] = []

  beforeAll(async () => {
    ;[east, west] = (await RelayProcess.startMeshed(2)) as [RelayProcess, RelayProcess]
  })

  afterAll(async () => {
    await stopAll(peers)
    await Promise.all([east.stop(), west.stop()])
  })

  it('carry a room between peers on different relays', async () => {
    const alice = await startNetPeer({ relays: [east.address], room: 'across' })
    const bob = await startNetPeer({ relays: [west.address], room: 'across' })
    peers.push(alice, bob)
    await untilMet(alice, bob, { timeoutMs: 15_000, what: 'the joins to cross relays' })
    // Each peer holds only its own relay.
    expect(alice.node.libp2p.getConnections().map((c) => c.remotePeer.toString())).not.toContain(
      west.address.split('/p2p/')[1],
    )
    await alice.thread.post('east to west')
    await bob.thread.post('west to east')
    await waitFor(() => bob.events.texts().includes('east to west'), { timeoutMs: 5_000 })
    await waitFor(() => alice.events.texts().includes('west to east'), { timeoutMs: 5_000 })

    await alice.thread.post('just for bob', bob.did)
    await waitFor(() => bob.events.texts().includes('just for bob'), {
      timeoutMs: 10_000,
      what: 'a DM through the other relay',
    })
    // Both relays serve the room; neither counts the other as a member.
    expect(await east.metric('ghost_relay_rooms')).toBe(1)
    expect(await west.metric('ghost_relay_rooms')).toBe(1)
    await alice.thread.close()
    await bob.thread.close()
    await waitFor(async () => (await east.metric('ghost_relay_rooms')) === 0, {
      what: 'east to leave the empty room',
    })
    await waitFor(async () => (await west.metric('ghost_relay_rooms')) === 0, {
      what: 'west to leave the empty room',
    })
  }, 40_000)

  it("do not answer another relay's room subscriptions (two relays did, back and forth, without end)", async () => {
    const member = await startNetPeer({ relays: [east.address], room: 'echo' })
    peers.push(member)
    await waitFor(async () => (await east.metric('ghost_relay_rooms')) >= 1, {
      what: 'east to serve the room',
    })
    // A relay that answers every subscription it hears with its own, as a relay did.
    const relay = await rawGossipNode({ userAgent: `${RELAY_AGENT_PREFIX}test` })
    const pubsub = relay.services.pubsub
    const eastId = east.address.split('/p2p/')[1] as string
    const topic = member.thread.topic
    let heard = 0
    const answer = (
      pubsub as unknown as {
        sendSubscriptions(to: string, topics: string[], subscribe: boolean): void
      }
    ).sendSubscriptions.bind(pubsub)
    pubsub.addEventListener('subscription-change', ({ detail }) => {
      if (detail.peerId.toString() !== eastId) return
      for (const { topic: heardTopic, subscribe } of detail.subscriptions) {
        if (heardTopic !== topic || !subscribe) continue
        heard++
        answer(eastId, [topic], true)
      }
    })
    try {
      pubsub.subscribe(topic)
      await relay.dial(multiaddr(east.address))
      await waitFor(() => heard > 0, { what: 'east to tell the relay of its room' })
      await sleep(2_000)
      // Once on connect (all rooms), at most once more: not an echo without end.
      expect(heard).toBeLessThanOrEqual(2)
    } finally {
      await relay.stop()
    }
  })
})
