/**
 * Nobody can make peers dial an address of their choosing. v1 ran pubsub-peer-discovery:
 * anyone could announce any address for any peer id, and peers dialled it. v2 has no
 * discovery topic, and a member's claims name relays by peer id only: a peer dials a
 * relay it knows (configured, or told by its own relay), never an address from a claim.
 * A "victim" TCP server on 127.0.0.1 counts every connection attempt.
 */
import { createServer, type Server } from 'node:net'
import { afterAll, describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import { claims, edKey, forge } from '../helpers/jwt-forge.js'
import { type RawNode, rawGossipNode } from '../helpers/raw-node.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { sleep, waitFor } from '../helpers/wait.js'

const utf8 = new TextEncoder()

describe('addresses announced for someone else', () => {
  const net = useRelay()
  let victim: Server | undefined
  let raw: RawNode | undefined
  afterAll(async () => {
    await raw?.stop()
    await new Promise((resolve) => victim?.close(resolve))
  })

  it('make nobody dial them', async () => {
    let dialled = 0
    victim = createServer((socket) => {
      dialled++
      socket.destroy()
    })
    await new Promise<void>((resolve) => victim?.listen(0, '127.0.0.1', resolve))
    const port = (victim.address() as { port: number }).port
    const victimAddress = `/ip4/127.0.0.1/tcp/${port}/ws`

    const alice = await net.join('poisoned')
    const bob = await net.join('poisoned')
    await waitFor(() => alice.events.joined.includes(bob.did), { timeoutMs: 10_000 })
    raw = await rawGossipNode()
    await raw.dial(multiaddr(net.relay.address))
    const topic = alice.thread.topic
    raw.services.pubsub.subscribe(topic)
    raw.services.pubsub.subscribe('_peer-discovery._p2p._pubsub')
    const node = raw
    await waitFor(() => node.services.pubsub.getSubscribers(topic).length > 0, {
      timeoutMs: 10_000,
      what: 'the relay to serve the raw node',
    })

    // v1's attack: announce the victim's address as bob's on the discovery topic.
    const bobPeer = bob.node.libp2p.peerId.toString()
    await raw.services.pubsub.publish(
      '_peer-discovery._p2p._pubsub',
      utf8.encode(JSON.stringify({ publicKey: bobPeer, addrs: [victimAddress] })),
    )
    // v2's surface: a well-signed join whose claims try to carry addresses. Only relay
    // ids are claims; an address in any field is stripped, and the relay id is unknown.
    const mallory = edKey()
    const join = forge(
      mallory,
      claims(mallory, 'join', topic, {
        peer: raw.peerId.toString(),
        relays: ['12D3KooWVictimRelay000000000000000000000000000000000'],
        addrs: [`${victimAddress}/p2p/${bobPeer}`],
        multiaddrs: [victimAddress],
      }),
    )
    await raw.services.pubsub.publish(topic, utf8.encode(join))
    await waitFor(() => alice.events.joined.includes(mallory.did), {
      timeoutMs: 10_000,
      what: 'mallory to be a member',
    })

    // Reaching mallory: a DM and backlog requests find no route but the known relay.
    await expect(alice.thread.post('to mallory', mallory.did)).rejects.toThrow(/not delivered/)
    await alice.thread._requestBacklog()
    await bob.thread._requestBacklog()
    await sleep(1_000)
    expect(dialled).toBe(0)
    // Peers do not even listen on the discovery topic.
    for (const peer of [alice, bob])
      expect(peer.node.libp2p.services.pubsub.getTopics()).toEqual([topic])
    // No peer learnt an address for bob from anyone but bob's own connections.
    const known = await alice.node.libp2p.peerStore
      .get(bob.node.libp2p.peerId)
      .catch(() => undefined)
    expect((known?.addresses ?? []).map((a) => a.multiaddr.toString())).not.toContain(victimAddress)
  }, 40_000)
})
