/**
 * Three Node peers with WebRTC (node-datachannel): they find each other through the relay
 * process, connect directly, and keep chatting after the relay is stopped.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { cleanup } from 'node-datachannel'
import { explainingFailure, type NetPeer, stopAll } from '../helpers/net-peer.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { waitFor } from '../helpers/wait.js'

describe('WebRTC between room peers', () => {
  const net = useRelay()
  afterAll(async () => {
    await stopAll(net.peers)
    // node-datachannel's native threads can outlive closed connections and keep Jest's
    // process from exiting (one CI run hung after every test passed); this stops them.
    cleanup()
  })

  it('keeps the room working after the relay stops', async () => {
    for (let i = 0; i < 3; i++) await net.join('direct', { webrtc: true })
    await waitFor(() => net.peers.every((peer) => peer.events.joined.length === 2), {
      timeoutMs: 10_000,
      what: 'the members',
    })
    await explainingFailure(
      net.peers,
      waitFor(() => net.peers.every((peer) => peer.node.dialer.directPeers().length === 2), {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: 'a full WebRTC mesh',
      }),
    )
    // Gossipsub runs over the new connections once the net.peers exchanged subscriptions.
    const ids = net.peers.map((peer) => peer.node.libp2p.peerId.toString())
    await waitFor(
      () =>
        net.peers.every((peer, index) => {
          const known = peer.node.transport.subscribers(peer.thread.topic)
          return ids.every((id, other) => other === index || known.includes(id))
        }),
      { timeoutMs: 10_000, what: 'subscriptions over the direct connections' },
    )

    expect(await net.relay.stop()).toBe(0)
    await waitFor(() => net.peers.every((peer) => peer.node.relays.connected().length === 0), {
      what: 'everyone to notice the relay is gone',
    })
    for (const [index, peer] of net.peers.entries()) await peer.thread.post(`direct ${index}`)
    const expected = ['direct 0', 'direct 1', 'direct 2']
    await explainingFailure(
      net.peers,
      waitFor(
        () =>
          net.peers.every((peer) => expected.every((text) => peer.events.texts().includes(text))),
        { timeoutMs: 10_000, what: 'every message at every peer without the relay' },
      ),
    )
    // A DM needs no relay either.
    const [alice, bob, carol] = net.peers as [NetPeer, NetPeer, NetPeer]
    await alice.thread.post('psst', bob.did)
    await waitFor(() => bob.events.texts().includes('psst'), { timeoutMs: 5_000 })
    expect(carol.events.texts()).not.toContain('psst')
  }, 60_000)
})
