/**
 * A newcomer's backlog from its relay (relayed-posts.ts), through the relay process: a
 * relay that heard a room from its start answers the posts itself and no member is
 * asked; a relay that has just started cannot vouch for them, and a member is asked.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import {
  BACKLOG_ANSWER_RATE,
  BACKLOG_PROTOCOL,
  createSeedIdentity,
  generateSeed,
  signClaims,
} from '../../src/core/index.js'
import { sendRequest } from '../../src/net/stream-request.js'
import { type NetPeer, startNetPeer, stopAll, untilMet } from '../helpers/net-peer.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { sleep, waitFor } from '../helpers/wait.js'

/** Counts the backlog requests the members answer, by the peer that asked. */
function countBacklogAsks(members: NetPeer[]): { by: (peer: NetPeer) => number } {
  const askers: string[] = []
  for (const member of members) {
    const answer = member.node.ghost.answerBacklog.bind(member.node.ghost)
    member.node.ghost.answerBacklog = (data, from) => {
      askers.push(from)
      return answer(data, from)
    }
  }
  const id = (peer: NetPeer) => peer.node.libp2p.peerId.toString()
  return { by: (peer) => askers.filter((from) => from === id(peer)).length }
}

async function roomWithPosts(
  join: (room: string) => Promise<NetPeer>,
  room: string,
  texts: string[],
): Promise<NetPeer[]> {
  const alice = await join(room)
  const bob = await join(room)
  await untilMet(alice, bob, { what: 'alice and bob to meet' })
  for (const text of texts) await alice.thread.post(text)
  await waitFor(() => texts.every((text) => bob.events.texts().includes(text)), {
    what: 'bob to have every post',
  })
  return [alice, bob]
}

describe('a relay that heard the room from its start', () => {
  const net = useRelay({ args: ['--history-warmup-seconds', '0'] })

  it('gives a newcomer the posts with the member list, and no member is asked', async () => {
    const texts = ['one', 'two', 'three']
    const members = await roomWithPosts((room) => net.join(room), 'from-relay', texts)
    const asks = countBacklogAsks(members)
    const late = await net.join('from-relay')
    await waitFor(() => late.events.backlogs.length > 0, { what: 'the backlog' })
    expect((await late.thread.getPosts()).map((post) => post.message)).toEqual(texts)
    expect((await late.thread.listMembers()).length).toBe(3)
    // Long enough for a member ask (150 ms gather, then a request) to have happened.
    await sleep(1_500)
    expect(asks.by(late)).toBe(0)
    expect(await net.relay.metric('ghost_relay_held_post_bytes')).toBeGreaterThan(0)
    // A dapp that asks for more still asks members.
    await late.thread._requestBacklog()
    expect(asks.by(late)).toBe(2)
  })
})

describe('a relay that has just started', () => {
  const net = useRelay()

  it('cannot vouch for a room it began to carry: the newcomer asks one member, and gets the posts', async () => {
    const texts = ['four', 'five']
    const members = await roomWithPosts((room) => net.join(room), 'just-started', texts)
    const asks = countBacklogAsks(members)
    const late = await net.join('just-started')
    await waitFor(() => asks.by(late) > 0, { what: 'a member to be asked' })
    await waitFor(() => late.events.backlogs.length > 0, { what: 'the backlog' })
    expect((await late.thread.getPosts()).map((post) => post.message)).toEqual(texts)
    await sleep(500)
    expect(asks.by(late)).toBe(1)
  })
})

describe('a relay whose meshed relay carrying the room vanishes', () => {
  const warm = ['--history-warmup-seconds', '0']
  const peers: NetPeer[] = []
  const relays: RelayProcess[] = []
  afterAll(async () => {
    await stopAll(peers)
    await Promise.all(relays.map((relay) => relay.stop()))
  })

  it('no longer vouches for the posts: the next newcomer asks a member too', async () => {
    const east = await RelayProcess.start({ args: warm })
    const west = await RelayProcess.start({ args: warm, peers: [east.address] })
    relays.push(east, west)
    const join = async (relay: RelayProcess) => {
      const peer = await startNetPeer({ relays: [relay.address], room: 'across' })
      peers.push(peer)
      return peer
    }
    // East carries the room from its start; west joins it later (not vouched for there).
    const alice = await join(east)
    // A join resolves before the relay connection is up: east must have the room first.
    await waitFor(async () => (await east.metric('ghost_relay_rooms')) === 1, {
      what: 'east to carry the room',
    })
    const bob = await join(west)
    await waitFor(() => alice.events.joined.includes(bob.did), { what: 'bob across relays' })
    await alice.thread.post('before west stops')
    await waitFor(() => bob.events.texts().includes('before west stops'), { what: 'the post' })
    const asks = countBacklogAsks([alice, bob])

    const first = await join(east)
    await waitFor(() => first.events.backlogs.length > 0, { what: 'the first backlog' })
    await sleep(1_000)
    expect(asks.by(first)).toBe(0)

    // Gone without unsubscribing (a crash): posts its members sent meanwhile may have missed east.
    await west.crash()
    await sleep(500)
    const asksOfFirst = countBacklogAsks([first])
    const second = await join(east)
    await waitFor(() => asks.by(second) + asksOfFirst.by(second) > 0, {
      timeoutMs: 10_000,
      what: 'the second newcomer to ask a member',
    })
    expect((await second.thread.getPosts()).map((post) => post.message)).toEqual([
      'before west stops',
    ])
  })
})

describe('a relay asked for the backlog again and again', () => {
  const net = useRelay()

  it('answers one requester BACKLOG_ANSWER_RATE.burst times, then refuses and counts it', async () => {
    const member = await net.join('asked-often')
    await member.thread.post('worth asking for')
    await waitFor(async () => (await net.relay.metric('ghost_relay_held_post_bytes')) > 0, {
      timeoutMs: 10_000,
      what: 'the relay to hold the post',
    })
    const asker = await startNetPeer({ relays: [net.relay.address], room: 'elsewhere' })
    net.peers.push(asker)
    const signer = await createSeedIdentity(generateSeed()).signerForSpace('netspace')
    const relay = [multiaddr(net.relay.address)]
    const ask = async () => {
      const { jwt } = await signClaims(
        signer,
        { type: 'request_backlog', room: member.thread.topic },
        Date.now(),
      )
      const answer = await sendRequest(
        asker.node.libp2p,
        relay,
        BACKLOG_PROTOCOL,
        new TextEncoder().encode(jwt),
      )
      return JSON.parse(new TextDecoder().decode(answer)) as { request: string; entries: string[] }
    }
    const answers = []
    for (let i = 0; i <= BACKLOG_ANSWER_RATE.burst; i++) answers.push(await ask())
    expect(answers.slice(0, -1).map((answer) => answer.entries.length > 0)).toEqual(
      Array(BACKLOG_ANSWER_RATE.burst).fill(true),
    )
    expect(answers.at(-1)).toEqual({ request: '', entries: [] })
    expect(await net.relay.metric('ghost_relay_refused_total{why="backlog-answers"}')).toBe(1)
  }, 30_000)
})
