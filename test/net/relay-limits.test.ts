/**
 * A relay under load and abuse, through the real path (the relay process, raw libp2p
 * nodes, our peers): 10,000 rooms mirrored and a new one still works; one client cannot
 * make it mirror more than its share; reservations end with their connection and are
 * capped per address; two relays on one key file, or a relay told to mesh with itself,
 * are refused with a clear message.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import { topicFor } from '../../src/core/index.js'
import { type NetPeer, startNetPeer, stopAll } from '../helpers/net-peer.js'
import { type RawNode, rawGossipNode } from '../helpers/raw-node.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'

const relays: RelayProcess[] = []
const raws: RawNode[] = []
const peers: NetPeer[] = []

afterAll(async () => {
  await stopAll(peers)
  await Promise.all(raws.map((raw) => raw.stop()))
  await Promise.all(relays.map((relay) => relay.stop()))
})

async function relay(args: string[] = []): Promise<RelayProcess> {
  const started = await RelayProcess.start({ args })
  relays.push(started)
  return started
}

async function connectedRaw(address: string, reserve = false): Promise<RawNode> {
  const raw = await rawGossipNode({ reserve })
  raws.push(raw)
  await raw.dial(multiaddr(address))
  return raw
}

describe('a relay with many rooms', () => {
  it('mirrors 10,000 rooms and a room opened after them works', async () => {
    const hub = await relay(['--max-rooms-per-connection', '250'])
    // 40 clients in 250 rooms each: every room has a member connected here.
    for (let client = 0; client < 40; client++) {
      const raw = await connectedRaw(hub.address)
      for (let room = 0; room < 250; room++)
        raw.services.pubsub.subscribe(topicFor('load', `c${client}-r${room}`))
    }
    await waitFor(async () => (await hub.metric('ghost_relay_rooms')) >= 10_000, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the relay to mirror 10,000 rooms',
    })
    // Two people open a new room: they meet and chat through the same relay.
    const alice = await startNetPeer({ relays: [hub.address], room: 'after-ten-thousand' })
    const bob = await startNetPeer({ relays: [hub.address], room: 'after-ten-thousand' })
    peers.push(alice, bob)
    await waitFor(
      () => alice.events.joined.includes(bob.did) || bob.events.joined.includes(alice.did),
      {
        timeoutMs: 15_000,
        what: 'the new room’s members to meet',
      },
    )
    await alice.thread.post('room 10,001')
    await waitFor(() => bob.events.texts().includes('room 10,001'), {
      timeoutMs: 10_000,
      what: 'a post in the new room',
    })
    // A member hears of its own rooms only, not of the relay's 10,000.
    const relayId = hub.address.split('/p2p/')[1] ?? ''
    const topics = alice.node.libp2p.services.pubsub.getTopics()
    expect(topics).toEqual([alice.thread.topic])
    expect(alice.node.transport.subscribers(alice.thread.topic).includes(relayId)).toBe(true)
    expect(await hub.metric('ghost_relay_rooms')).toBeGreaterThanOrEqual(10_001)
  }, 180_000)

  it('hangs up on a client that has it mirror more rooms than its share', async () => {
    const hub = await relay(['--max-rooms-per-connection', '20'])
    const raw = await connectedRaw(hub.address)
    const relayId = hub.address.split('/p2p/')[1] ?? ''
    for (let room = 0; room < 30; room++)
      raw.services.pubsub.subscribe(topicFor('greedy', `r${room}`))
    await waitFor(() => raw.getConnections().every((c) => c.remotePeer.toString() !== relayId), {
      timeoutMs: 10_000,
      what: 'the relay to hang up',
    })
    expect(await hub.metric('ghost_relay_refused_total{why="rooms-per-connection"}')).toBe(1)
    await waitFor(async () => (await hub.metric('ghost_relay_rooms')) === 0, {
      what: 'its rooms to be dropped',
    })
  }, 30_000)
})

describe('circuit reservations', () => {
  it('end with their connection', async () => {
    const hub = await relay()
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => connectedRaw(hub.address, true)),
    )
    await waitFor(async () => (await hub.metric('ghost_relay_reservations')) === 5, {
      timeoutMs: 10_000,
      what: 'five reservations',
    })
    await Promise.all(clients.map((client) => client.stop()))
    await waitFor(async () => (await hub.metric('ghost_relay_reservations')) === 0, {
      timeoutMs: 10_000,
      what: 'the reservations of closed connections to go',
    })
  }, 30_000)

  it('are capped per address, and the refusals counted', async () => {
    const hub = await relay(['--max-reservations-per-ip', '3'])
    await Promise.all(Array.from({ length: 5 }, () => connectedRaw(hub.address, true)))
    await waitFor(
      async () => (await hub.metric('ghost_relay_refused_total{why="reservations-per-ip"}')) >= 2,
      {
        timeoutMs: 10_000,
        what: 'two reservations refused',
      },
    )
    expect(await hub.metric('ghost_relay_reservations')).toBe(3)
  }, 30_000)
})

describe('relay identities', () => {
  it('refuses a second relay on the same key file, and a relay meshing with itself', async () => {
    const first = await relay()
    const second = new RelayProcess({ keyFile: first.keyFile })
    await expect(second.start()).rejects.toThrow(
      /another relay \(pid \d+\) is running with the key file/,
    )
    expect(second.output).toMatch(/give this one its own --key-file/)

    await first.stop()
    const itself = new RelayProcess({ keyFile: first.keyFile, peers: [first.address] })
    await expect(itself.start()).rejects.toThrow(/is this relay itself/)
  }, 30_000)
})
