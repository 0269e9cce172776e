/**
 * Three Node peers with WebRTC (node-datachannel): they find each other through the relay
 * process, connect directly, and keep chatting after the relay is stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { explainingFailure, type NetPeer, startNetPeer, stopAll } from '../helpers/net-peer.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'

describe('WebRTC between room peers', () => {
  let relay: RelayProcess
  const peers: NetPeer[] = []

  beforeAll(async () => {
    relay = await RelayProcess.start()
  })

  afterAll(async () => {
    await stopAll(peers)
    await relay.stop()
  })

  it('keeps the room working after the relay stops', async () => {
    for (let i = 0; i < 3; i++)
      peers.push(await startNetPeer({ relays: [relay.address], room: 'direct', webrtc: true }))
    await waitFor(() => peers.every((peer) => peer.events.joined.length === 2), {
      timeoutMs: 10_000,
      what: 'the members',
    })
    await explainingFailure(
      peers,
      waitFor(() => peers.every((peer) => peer.node.dialer.directPeers().length === 2), {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: 'a full WebRTC mesh',
      }),
    )
    // Gossipsub runs over the new connections once the peers exchanged subscriptions.
    const ids = peers.map((peer) => peer.node.libp2p.peerId.toString())
    await waitFor(
      () =>
        peers.every((peer, index) => {
          const known = peer.node.transport.subscribers(peer.thread.topic)
          return ids.every((id, other) => other === index || known.includes(id))
        }),
      { timeoutMs: 10_000, what: 'subscriptions over the direct connections' },
    )

    expect(await relay.stop()).toBe(0)
    await waitFor(() => peers.every((peer) => peer.node.relays.connected().length === 0), {
      what: 'everyone to notice the relay is gone',
    })
    for (const [index, peer] of peers.entries()) await peer.thread.post(`direct ${index}`)
    const expected = ['direct 0', 'direct 1', 'direct 2']
    await explainingFailure(
      peers,
      waitFor(
        () => peers.every((peer) => expected.every((text) => peer.events.texts().includes(text))),
        { timeoutMs: 10_000, what: 'every message at every peer without the relay' },
      ),
    )
    // A DM needs no relay either.
    const [alice, bob, carol] = peers as [NetPeer, NetPeer, NetPeer]
    await alice.thread.post('psst', bob.did)
    await waitFor(() => bob.events.texts().includes('psst'), { timeoutMs: 5_000 })
    expect(carol.events.texts()).not.toContain('psst')
  }, 60_000)
})
