/**
 * Crowds through the real path: relay processes, real libp2p peers, the protocol's own
 * pacing (no scaled-down timings). A 100-member room joined one after another converges
 * on its relay's roster and delivers every post; a room spread over three meshed relays
 * goes on when one of them stops. A crowd room (issue 26, at a size lowered by the relay's
 * flags) hears who came and went in its relay's digests, never each member's claims.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { DEFAULT_TIMINGS } from '../../src/core/index.js'
import { ttlFor } from '../../src/core/presence-pacing.js'
import { explainingFailure, type NetPeer, startNetPeer, stopAll } from '../helpers/net-peer.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { sleep, waitFor } from '../helpers/wait.js'

const running: RelayProcess[] = []
/** A crowd at 6 members, whose answers list the newest 3 (the default is 200 and 100). */
const SMALL_CROWD = [
  '--max-reservations-per-ip',
  '500',
  '--crowd-members',
  '6',
  '--crowd-listed',
  '3',
]
const peers: NetPeer[] = []

afterAll(async () => {
  await stopAll(peers)
  await Promise.all(running.map((relay) => relay.stop()))
})

async function startRelays(count: number): Promise<RelayProcess[]> {
  const started: RelayProcess[] = []
  for (let i = 0; i < count; i++) {
    // A full mesh; one machine is one address, so the per-address cap is raised.
    const relay = await RelayProcess.start({
      peers: started.map((other) => other.address),
      args: ['--max-reservations-per-ip', '500'],
    })
    started.push(relay)
    running.push(relay)
  }
  return started
}

/** The afterAll stops every peer still listed; a test that stopped its own drops them. */
function forget(stopped: NetPeer[]): void {
  const left = peers.filter((peer) => !stopped.includes(peer))
  peers.splice(0, peers.length, ...left)
}

/** A room message's JWT claims, read without checking (the receivers check them). */
function claimsOf(data: Uint8Array): Record<string, unknown> {
  const payload = new TextDecoder().decode(data).split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
}

/** Until `relay` holds `count` crowd rooms (its metric). */
async function crowdsAt(relay: RelayProcess, count: number, what: string): Promise<void> {
  await waitFor(async () => (await relay.metric('ghost_relay_crowd_rooms')) === count, {
    timeoutMs: 20_000,
    what,
  })
}

/** Everyone lists everyone, or the error says who lists how many. */
async function converged(room: NetPeer[], timeoutMs: number): Promise<void> {
  const counts = async () =>
    Promise.all(room.map(async (peer) => (await peer.thread.listMembers()).length))
  try {
    await waitFor(async () => (await counts()).every((count) => count === room.length), {
      timeoutMs,
      intervalMs: 250,
      what: `all ${room.length} members to list each other`,
    })
  } catch (err) {
    const seen = await counts()
    throw new Error(
      `${(err as Error).message}: lowest ${Math.min(...seen)}, counts ${seen.join(' ')}`,
    )
  }
}

describe('a crowd in one room', () => {
  it('100 members joining one after another all list each other and get every post', async () => {
    const [relay] = await startRelays(1)
    const room: NetPeer[] = []
    // The `ttl` of every join the first member hears, in the order they came.
    const joinTtls: number[] = []
    // Joins every 50 ms, as people arrive; production pacing (presence, expiry).
    for (let i = 0; i < 100; i++) {
      const peer = await startNetPeer({
        relays: [relay?.address ?? ''],
        room: 'crowd',
        timings: DEFAULT_TIMINGS,
      })
      if (i === 0)
        peer.node.libp2p.services.pubsub.addEventListener('message', ({ detail }) => {
          const claims = claimsOf(detail.data)
          if (claims.type === 'join' && typeof claims.ttl === 'number') joinTtls.push(claims.ttl)
        })
      room.push(peer)
      peers.push(peer)
      await sleep(50)
    }
    await converged(room, 45_000)
    // Newcomers asked the relay who is here before joining, so their joins already hold
    // for the room's pace (a join sized for a room of one meant another presence 20 s
    // later from everyone). A relay too busy to answer within 2 s leaves a few at 65 s.
    const paced = ttlFor(DEFAULT_TIMINGS, 50_000)
    expect(joinTtls.length).toBeGreaterThanOrEqual(90)
    expect(joinTtls.slice(-40).filter((ttl) => ttl >= paced).length).toBeGreaterThanOrEqual(30)
    // Nobody answered a join room-wide: the joins and the roster did it. Each member's
    // newest claim is its join (the first heartbeat is 20 s or more away).
    expect(await relay?.metric('ghost_relay_rooms')).toBe(1)

    const texts = Array.from({ length: 10 }, (_, i) => `crowd post ${i}`)
    for (const [i, text] of texts.entries()) await room[(i * 11) % room.length]?.thread.post(text)
    const lacking = (wanted: string[]) => () =>
      room
        .filter((peer) => !wanted.every((text) => peer.events.allTexts().includes(text)))
        .slice(0, 3)
    await explainingFailure(
      lacking(texts),
      waitFor(
        () => room.every((peer) => texts.every((text) => peer.events.allTexts().includes(text))),
        {
          timeoutMs: 20_000,
          intervalMs: 100,
          what: 'every post at every member',
        },
      ),
    )
    // Each post arrived once (live, or in a backlog after a reconnection).
    for (const peer of room)
      expect(peer.events.allTexts().filter((t) => texts.includes(t as string))).toHaveLength(10)
    await stopAll(room)
    peers.length = 0
  }, 120_000)

  it('a room over three meshed relays goes on when one of them stops', async () => {
    const relays = await startRelays(3)
    const addresses = relays.map((relay) => relay.address)
    const room: NetPeer[] = []
    for (let i = 0; i < 12; i++) {
      const peer = await startNetPeer({ relays: addresses, room: 'spread' })
      room.push(peer)
      peers.push(peer)
    }
    // Peers spread: each holds two of the three, and every relay serves some of them.
    await waitFor(() => room.every((peer) => peer.node.relays.connected().length === 2), {
      timeoutMs: 10_000,
      what: 'each peer to hold two relays',
    })
    for (const relay of relays)
      expect(await relay.metric('ghost_relay_peers')).toBeGreaterThanOrEqual(4)
    await converged(room, 20_000)

    await relays[0]?.stop()
    const after = Array.from({ length: 12 }, (_, i) => `after the stop ${i}`)
    for (const [i, text] of after.entries()) await room[i]?.thread.post(text)
    await explainingFailure(
      () =>
        room
          .filter((peer) => !after.every((text) => peer.events.allTexts().includes(text)))
          .slice(0, 3),
      waitFor(
        () => room.every((peer) => after.every((text) => peer.events.allTexts().includes(text))),
        {
          timeoutMs: 10_000,
          intervalMs: 100,
          what: 'every post after the stop at every member',
        },
      ),
    )
    // Those that held the stopped relay moved to the spare one.
    await waitFor(() => room.every((peer) => peer.node.relays.connected().length === 2), {
      timeoutMs: 10_000,
      what: 'peers to fail over to the spare relay',
    })
  }, 90_000)

  it("a crowd room: members hear joins and leaves in the relay's digests, never one by one; a newcomer gets the newest few and the count, and lists everyone when it asks", async () => {
    const relay = await RelayProcess.start({ args: SMALL_CROWD })
    running.push(relay)
    const room: NetPeer[] = []
    const join = async () => {
      const peer = await startNetPeer({ relays: [relay.address], room: 'throng' })
      room.push(peer)
      peers.push(peer)
      return peer
    }
    for (let i = 0; i < 7; i++) await join()
    await crowdsAt(relay, 1, 'the relay to make the room a crowd')
    await converged(room, 20_000)

    // From now on, every message the first member takes in off the topic, before its
    // checks (gossipsub raises events only for messages they accept).
    const first = room[0] as NetPeer
    const heard: { digest: boolean; type?: unknown }[] = []
    const validators = first.node.libp2p.services.pubsub.topicValidators
    const check = validators.get(first.thread.topic)
    if (check === undefined) throw new Error('the room has no topic validator')
    validators.set(first.thread.topic, (from, message) => {
      const data = 'data' in message ? message.data : new Uint8Array()
      const digest = data[0] === 0x7b
      heard.push(digest ? { digest } : { digest, type: claimsOf(data).type })
      return check(from, message)
    })
    const newcomer = await join()
    // The newcomer is told the room is a crowd, with the newest 3 and the count...
    await waitFor(async () => (await newcomer.thread.memberCount()) === 8, {
      timeoutMs: 10_000,
      what: "the newcomer to have the room's count from its relay",
    })
    // ...and lists everyone once it asks (listMembers pages the rest from the relay).
    await converged(room, 20_000)
    expect(heard.some((message) => message.digest)).toBe(true)
    expect(heard.filter((message) => !message.digest && message.type === 'join')).toEqual([])
    expect(first.events.allTexts()).toEqual([])
    expect(await first.thread.memberCount()).toBe(8)

    // A post still reaches everyone at once.
    await newcomer.thread.post('hello, crowd')
    await waitFor(
      () =>
        room.every((peer) => peer === newcomer || peer.events.allTexts().includes('hello, crowd')),
      { timeoutMs: 10_000, what: 'the post at every member' },
    )
    // One leaves: the others hear it in a digest.
    const leaving = room.splice(3, 1)[0] as NetPeer
    await leaving.node.stop()
    await converged(room, 15_000)
    expect(heard.filter((message) => !message.digest && message.type === 'leave')).toEqual([])
    expect(heard.filter((message) => !message.digest && message.type === 'presence')).toEqual([])

    // Below 3/4 of the crowd's size the crowd ends, and the rest still list each other.
    for (const peer of room.splice(3)) await peer.node.stop()
    await crowdsAt(relay, 0, 'the crowd to end')
    await converged(room, 15_000)
    expect(await first.thread.memberCount()).toBe(3)
    await stopAll(room)
    forget(room)
  }, 120_000)

  it("a crowd room over two meshed relays: each member holds one, and everyone lists everyone from the digests and the relays' roster batches", async () => {
    const a = await RelayProcess.start({ args: SMALL_CROWD })
    running.push(a)
    const b = await RelayProcess.start({ args: SMALL_CROWD, peers: [a.address] })
    running.push(b)
    const room: NetPeer[] = []
    // Production pacing: a relay hands the others its clients' presences in 2 s batches,
    // and the scaled-down test timings' 1.5 s ttl ran out between two (members flapped).
    const join = async (relay: RelayProcess) => {
      const peer = await startNetPeer({
        relays: [relay.address],
        room: 'throng',
        timings: DEFAULT_TIMINGS,
      })
      room.push(peer)
      peers.push(peer)
      return peer
    }
    for (let i = 0; i < 8; i++) await join(i % 2 === 0 ? a : b)
    for (const relay of [a, b]) await crowdsAt(relay, 1, 'both relays to make the room a crowd')
    await converged(room, 30_000)
    // A newcomer on B is listed by A's members, and B's roster answers with everyone.
    // (Once, with two other jest runs beside it, nobody listed the newcomer within 20 s;
    // a claim lost on a loaded machine comes again with its next presence, ~20 s at this
    // size, or the relay's 30 s reminder makes members ask for the list again.)
    const newcomer = await join(b)
    await converged(room, 45_000)
    await waitFor(async () => (await newcomer.thread.memberCount()) === 9, {
      timeoutMs: 10_000,
      what: "the newcomer to have the room's count from its relay",
    })
    await newcomer.thread.post('across relays')
    await waitFor(
      () =>
        room.every((peer) => peer === newcomer || peer.events.allTexts().includes('across relays')),
      { timeoutMs: 10_000, what: 'the post at every member on both relays' },
    )
    await stopAll(room)
    forget(room)
  }, 120_000)

  it('a relay that begins to carry a crowd room later is told every member at once by the relays that carry it, not as each refreshes', async () => {
    const a = await RelayProcess.start({ args: SMALL_CROWD })
    running.push(a)
    // Presences every 5 minutes: nobody refreshes within the test, so the late relay can
    // learn who is in the room only by being told (it hears no member claim in a crowd).
    const intervalMs = 300_000
    const timings = {
      ...DEFAULT_TIMINGS,
      presenceIntervalMs: intervalMs,
      maxPresenceIntervalMs: intervalMs,
      memberExpiryMs:
        (intervalMs * DEFAULT_TIMINGS.memberExpiryMs) / DEFAULT_TIMINGS.presenceIntervalMs,
    }
    const room: NetPeer[] = []
    const join = async (relay: RelayProcess) => {
      const peer = await startNetPeer({ relays: [relay.address], room: 'late', timings })
      room.push(peer)
      peers.push(peer)
      return peer
    }
    for (let i = 0; i < 8; i++) await join(a)
    await crowdsAt(a, 1, 'the room to become a crowd at the first relay')
    await converged(room, 30_000)
    const late = await RelayProcess.start({ args: SMALL_CROWD, peers: [a.address] })
    running.push(late)
    const newcomer = await join(late)
    // The late relay holds all nine (a crowd at six) from the first relay's batch.
    await crowdsAt(late, 1, "the late relay to hold the room's members (a crowd)")
    await converged(room, 30_000)
    expect(await newcomer.thread.memberCount()).toBe(9)
    await stopAll(room)
    forget(room)
  }, 120_000)
})
