/**
 * Rooms between real libp2p peers through the relay running as a child process, all on
 * 127.0.0.1: chat both ways, a late joiner's backlog, direct messages, leaving.
 */
import { describe, expect, it } from '@jest/globals'
import { type NetPeer, untilMet } from '../helpers/net-peer.js'
import { meshPeersOf } from '../helpers/raw-node.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { sleep, waitFor } from '../helpers/wait.js'

describe('a room through the relay process', () => {
  const net = useRelay()

  it('two net.peers see each other join and chat both ways', async () => {
    const alice = await net.join('two-way')
    const bob = await net.join('two-way')
    await untilMet(alice, bob, { timeoutMs: 10_000, what: 'both joins' })
    await alice.thread.post('hi bob')
    await bob.thread.post({ text: 'hi alice', n: 1 })
    await waitFor(() => bob.events.texts().includes('hi bob'), {
      timeoutMs: 5_000,
      what: 'bob to get it',
    })
    await waitFor(() => alice.events.messages.some((post) => post.author === bob.did), {
      timeoutMs: 5_000,
      what: 'alice to get it',
    })
    expect(alice.events.messages.find((post) => post.author === bob.did)?.message).toEqual({
      text: 'hi alice',
      n: 1,
    })
    expect((await alice.thread.listMembers()).sort()).toEqual([alice.did, bob.did].sort())
    // Each message arrives once, although the relay and gossip could deliver copies.
    await sleep(300)
    expect(bob.events.texts().filter((text) => text === 'hi bob')).toHaveLength(1)
  })

  it("a peer announces its join only once it is in the relay's gossip mesh: a post sent on seeing it join arrives", async () => {
    const meshOf = (peer: NetPeer) =>
      meshPeersOf(peer.node.libp2p.services.pubsub, peer.thread.topic)
    const relayId = net.relay.address.split('/p2p/')[1]
    const first = await net.join('mesh-ready')
    const second = await net.join('mesh-ready')
    await waitFor(() => first.events.joined.includes(second.did), { what: 'the second join' })
    expect(meshOf(second)).toEqual([relayId])
    expect(meshOf(first)).toEqual([relayId])
    await first.thread.post('right after the join')
    await waitFor(() => second.events.texts().includes('right after the join'), {
      what: 'the post sent as the second peer joined',
    })
  })

  it('a late joiner receives the backlog from peers', async () => {
    const first = await net.join('backlog')
    const second = await net.join('backlog')
    await waitFor(() => first.events.joined.includes(second.did), { timeoutMs: 10_000 })
    for (const text of ['one', 'two', 'three']) await first.thread.post(text)
    // Posts within one second are ordered as received: 'four' answers 'three'.
    await waitFor(() => second.events.texts().includes('three'), { timeoutMs: 5_000 })
    await second.thread.post('four')
    await waitFor(() => first.events.texts().includes('four'), { timeoutMs: 5_000 })

    const late = await net.join('backlog')
    await waitFor(() => late.events.backlogs.length > 0, { timeoutMs: 10_000, what: 'a backlog' })
    const texts = (await late.thread.getPosts()).map((post) => post.message)
    expect(texts).toEqual(['one', 'two', 'three', 'four'])
    expect(late.events.messages).toHaveLength(0)
  })

  it('a direct message reaches only its target', async () => {
    const [sender, target, bystander] = [
      await net.join('dm'),
      await net.join('dm'),
      await net.join('dm'),
    ]
    await waitFor(
      () =>
        sender.events.joined.includes(target.did) && sender.events.joined.includes(bystander.did),
      { timeoutMs: 10_000, what: 'the members' },
    )
    await sender.thread.post('for your eyes only', target.did)
    await waitFor(() => target.events.texts().includes('for your eyes only'), { timeoutMs: 5_000 })
    await sender.thread.post('public')
    await waitFor(() => bystander.events.texts().includes('public'), { timeoutMs: 5_000 })
    expect(bystander.events.texts()).not.toContain('for your eyes only')
    // A DM is never kept in a backlog that others could ask for.
    expect((await target.thread.getPosts()).map((post) => post.message)).not.toContain(
      'for your eyes only',
    )
  })

  it('close() sends user-left to the others at once', async () => {
    const stayer = await net.join('leaving')
    const leaver = await net.join('leaving')
    await waitFor(() => stayer.events.joined.includes(leaver.did), { timeoutMs: 10_000 })
    const closedAt = Date.now()
    await leaver.thread.close()
    await waitFor(() => stayer.events.left.includes(leaver.did), { timeoutMs: 5_000 })
    // Well before the 1.5 s presence expiry: the signed leave did it.
    expect(Date.now() - closedAt).toBeLessThan(1_000)
    expect(await stayer.thread.listMembers()).toEqual([stayer.did])
  })

  it('counts net.peers, rooms, messages and bytes on /metrics, and answers /healthz', async () => {
    const health = await fetch(`${net.relay.httpUrl}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.text()).toBe('ok\n')
    expect((await fetch(`${net.relay.httpUrl}/nothing`)).status).toBe(404)

    const accepted = 'ghost_relay_messages_total{verdict="accept",reason="ok"}'
    const before = await net.relay.metric(accepted)
    const bytesBefore = await net.relay.metric('ghost_relay_message_bytes_total{from="client"}')
    const counter = await net.join('counted')
    const other = await net.join('counted')
    await waitFor(() => counter.events.joined.includes(other.did), { timeoutMs: 10_000 })
    for (let i = 0; i < 5; i++) await counter.thread.post(`counted ${i}`)
    await waitFor(() => other.events.messages.length === 5, { timeoutMs: 5_000 })
    // Two joins, five posts and some presence heartbeats, each validated once.
    expect(await net.relay.metric(accepted)).toBeGreaterThanOrEqual(before + 7)
    expect(
      await net.relay.metric('ghost_relay_message_bytes_total{from="client"}'),
    ).toBeGreaterThan(bytesBefore + 5 * 200)
    expect(await net.relay.metric('ghost_relay_peers')).toBe(net.peers.length)
    // Every room of this file still has a member (the 'leaving' room keeps its stayer).
    const liveRooms = new Set(net.peers.map((peer) => peer.thread.topic))
    await waitFor(async () => (await net.relay.metric('ghost_relay_rooms')) === liveRooms.size, {
      what: `${liveRooms.size} rooms on /metrics`,
    })
    // Counts only: no room names, DIDs or message text in what the relay exposes.
    const text = await net.relay.metrics()
    expect(text).not.toContain('counted')
    expect(text).not.toContain(counter.did)
  })
})
