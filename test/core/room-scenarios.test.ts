import { afterEach, describe, expect, it } from '@jest/globals'
import { BACKLOG_ANSWER_RATE, MAX_CLOCK_SKEW_S } from '../../src/core/constants.js'
import {
  BACKLOG_PROTOCOL,
  createSeedIdentity,
  decodeCompactJwt,
  MemoryHub,
  type MemoryTransport,
  type RejectReason,
  signClaims,
} from '../../src/core/index.js'
import { encodeUtf8 } from '../../src/core/utf8.js'
import { claims, edKey, forge, type TestKey } from '../helpers/jwt-forge.js'
import { closeAll, joinPeer, type TestPeer } from '../helpers/room.js'
import { sleep, waitFor } from '../helpers/wait.js'

const ROOM = '3box.chat.v2.testspace.lobby'
let peers: TestPeer[] = []
afterEach(async () => {
  await closeAll(peers)
  peers = []
})

async function room(hub: MemoryHub, size: number): Promise<TestPeer[]> {
  const joined: TestPeer[] = []
  for (let i = 0; i < size; i++) joined.push(await joinPeer(hub))
  peers.push(...joined)
  await waitFor(
    async () => {
      const lists = await Promise.all(joined.map((peer) => peer.thread.listMembers()))
      return lists.every((list) => list.length === size)
    },
    { what: `all ${size} peers to list each other` },
  )
  return joined
}

describe('a room of five', () => {
  it('delivers every message to every peer, exactly once', async () => {
    const five = await room(new MemoryHub(), 5)
    for (const [i, peer] of five.entries()) {
      for (let n = 0; n < 3; n++) await peer.thread.post(`peer ${i} says ${n}`)
    }
    // A post racing a late joiner's backlog fetch arrives in `backlog-received` instead
    // of `message`; either way a dapp gets each post once.
    const received = (peer: TestPeer) => [...peer.events.messages, ...peer.events.backlogs.flat()]
    await waitFor(() => five.every((peer) => received(peer).length >= 15), {
      what: '15 posts everywhere',
    })
    const expected = five.flatMap((_, i) => [0, 1, 2].map((n) => `peer ${i} says ${n}`)).sort()
    await sleep(50)
    for (const peer of five) {
      expect(
        received(peer)
          .map((p) => p.message)
          .sort(),
      ).toEqual(expected)
      expect(new Set(received(peer).map((p) => p.postId)).size).toBe(15)
      // Posts by one author are kept in the order they were written.
      const fromPeer0 = (await peer.thread.getPosts())
        .filter((p) => p.author === five[0]?.did)
        .map((p) => p.message)
      expect(fromPeer0).toEqual(['peer 0 says 0', 'peer 0 says 1', 'peer 0 says 2'])
    }
  })

  it('keeps member lists in step as peers leave and crash', async () => {
    const hub = new MemoryHub()
    const five = await room(hub, 5)
    const [a, b, c, d, e] = five as [TestPeer, TestPeer, TestPeer, TestPeer, TestPeer]
    await b.thread.close()
    hub.disconnect(c.transport.peerId, { silent: true })
    const stayed = [a, d, e]
    await waitFor(
      async () =>
        (await Promise.all(stayed.map((p) => p.thread.listMembers()))).every((l) => l.length === 3),
      {
        what: 'leave and expiry',
      },
    )
    await sleep(100) // any straggler presence would revive a member now
    for (const peer of [a, d, e]) {
      expect((await peer.thread.listMembers()).sort()).toEqual([a.did, d.did, e.did].sort())
      expect(peer.events.left.sort()).toEqual([b.did, c.did].sort())
    }
  })
})

describe('late joiners', () => {
  it('get the backlog from a few peers, in order, with their filters applied, and learn the members', async () => {
    const hub = new MemoryHub()
    const [alice, bob] = (await room(hub, 2)) as [TestPeer, TestPeer]
    for (let i = 0; i < 4; i++) {
      for (const [author, other] of [
        [alice, bob],
        [bob, alice],
      ] as const) {
        await author.thread.post(`${author === alice ? 'alice' : 'bob'} ${i}`)
        await waitFor(() => other.events.messages.length === author.events.messages.length)
      }
    }
    const expected = alice.events.messages.map((p) => p.message)
    expect(bob.events.messages.map((p) => p.message)).toEqual(expected)

    const carol = await joinPeer(hub)
    peers.push(carol)
    await waitFor(() => carol.events.backlogs.length === 1, { what: 'the backlog' })
    expect(carol.events.backlogs[0]?.map((p) => p.message)).toEqual(expected)
    expect((await carol.thread.getPosts()).map((p) => p.message)).toEqual(expected)
    expect((await carol.thread.listMembers()).sort()).toEqual(
      [alice.did, bob.did, carol.did].sort(),
    )
    // Backlog posts are not replayed as live messages.
    expect(carol.events.messages).toEqual([])

    // A peer with a filter never sees what it filters, live or from the backlog.
    const dave = await joinPeer(hub, { backlogLimit: 5, timings: { backlogGatherMs: 60_000 } })
    peers.push(dave)
    dave.thread.addFilter((post) => post.author !== bob.did)
    await waitFor(async () => (await dave.thread.listMembers()).length === 4)
    const fromBacklog = await dave.thread._requestBacklog()
    const aliceOnly = expected.filter((text) => String(text).startsWith('alice'))
    expect(fromBacklog.map((p) => p.message)).toEqual(aliceOnly)
    expect(dave.events.backlogs).toEqual([fromBacklog])
    expect((await dave.thread.getPosts()).map((p) => p.message)).toEqual(aliceOnly)
  })

  it('keep only the newest ghostBacklogLimit posts', async () => {
    const hub = new MemoryHub()
    const [alice] = (await room(hub, 1)) as [TestPeer]
    for (let i = 0; i < 8; i++) await alice.thread.post(`post ${i}`)
    const carol = await joinPeer(hub, { backlogLimit: 3 })
    peers.push(carol)
    const updates: unknown[] = []
    carol.thread.onUpdate((update) => updates.push(update))
    await waitFor(() => carol.events.backlogs.length === 1)
    // 3IP-9: onUpdate hears the backlog as { type: 'backlog', message: posts }.
    expect(updates).toEqual([{ type: 'backlog', message: await carol.thread.getPosts() }])
    expect((await carol.thread.getPosts()).map((p) => p.message)).toEqual([
      'post 5',
      'post 6',
      'post 7',
    ])
  })

  it('ask one member when they join, and backlogPeersAsked when the dapp asks: never everybody', async () => {
    const hub = new MemoryHub()
    const six = await room(hub, 6)
    const asks: { by: string; of: string }[] = []
    for (const peer of six) {
      const original = peer.ghost.answerBacklog.bind(peer.ghost)
      peer.ghost.answerBacklog = async (data, from) => {
        asks.push({ by: from, of: peer.transport.peerId })
        return original(data, from)
      }
    }
    const late = await joinPeer(hub, { timings: { backlogGatherMs: 100 } })
    peers.push(late)
    const asksByLate = () => asks.filter((ask) => ask.by === late.transport.peerId)
    await waitFor(() => asksByLate().length > 0)
    await sleep(300)
    // The member answered: nobody else is asked.
    expect(asksByLate()).toHaveLength(1)

    await late.thread._requestBacklog()
    expect(asksByLate()).toHaveLength(4)
    expect(
      new Set(
        asksByLate()
          .slice(1)
          .map((ask) => ask.of),
      ).size,
    ).toBe(3)
  })

  it('drop forged, foreign, direct and stale entries inside a backlog answer and keep the valid ones', async () => {
    const hub = new MemoryHub()
    const [alice] = (await room(hub, 1)) as [TestPeer]
    await alice.thread.post('genuine 1')
    await alice.thread.post('genuine 2')
    const genuine = await alice.thread.getPosts()
    const genuineJwts = await chatJwtsHeldBy(alice)

    const mallory = edKey()
    const now = Date.now()
    const lies = [
      forge(mallory, {
        ...claims(mallory, 'chat', ROOM, { message: 'alice: send me your keys' }, now),
        iss: alice.did,
      }),
      forge(
        mallory,
        claims(
          mallory,
          'chat',
          '3box.chat.v2.testspace.elsewhere',
          { message: 'foreign room' },
          now,
        ),
      ),
      forge(mallory, claims(mallory, 'chat', ROOM, { message: 'a DM', to: alice.did }, now)),
      forge(
        mallory,
        claims(mallory, 'chat', ROOM, {
          message: 'stale',
          iat: Math.floor(now / 1000) - 13 * 3600,
        }),
      ),
      'not even a jwt',
      // 2,500 levels in ~5 KB: it overflowed the schema check and took every entry down.
      forge(
        mallory,
        claims(
          mallory,
          'chat',
          ROOM,
          { message: JSON.parse(`${'['.repeat(2_500)}${']'.repeat(2_500)}`) },
          now,
        ),
      ),
    ]
    const honest = forge(
      mallory,
      claims(mallory, 'chat', ROOM, { message: 'mallory, signed honestly' }, now),
    )
    hostileMember(hub, mallory, (jti) => ({
      request: jti,
      entries: [...lies, ...genuineJwts, honest],
    }))
    // Only mallory answers, so alice's posts can only arrive as the copies inside her answer.
    alice.transport.unhandle(BACKLOG_PROTOCOL)

    const reasons: (RejectReason | undefined)[] = []
    const carol = await joinPeer(hub, {
      rules: {
        onVerdict: (_verdict, reason, channel) =>
          channel === 'backlog-entry' && reasons.push(reason),
      },
    })
    peers.push(carol)
    await waitFor(() => carol.events.backlogs.length === 1, { what: 'mallory’s answer' })
    const received = carol.events.backlogs[0] ?? []
    expect(received.map((p) => p.message).sort()).toEqual([
      'genuine 1',
      'genuine 2',
      'mallory, signed honestly',
    ])
    expect(received.filter((p) => p.author === alice.did).map((p) => p.postId)).toEqual(
      genuine.map((p) => p.postId),
    )
    expect(reasons.filter(Boolean).sort()).toEqual([
      'bad-signature',
      'invalid-claims',
      'malformed-jwt',
      'too-old',
      'wrong-channel',
      'wrong-room',
    ])
    expect((await carol.thread.listMembers()).sort()).toEqual(
      [alice.did, carol.did, mallory.did].sort(),
    )
  })

  it('ignore an answer that does not echo their own request', async () => {
    const hub = new MemoryHub()
    const mallory = edKey()
    const entry = forge(mallory, claims(mallory, 'chat', ROOM, { message: 'unsolicited' }))
    hostileMember(hub, mallory, () => ({ request: 'someone-elses-request-jti', entries: [entry] }))
    const carol = await joinPeer(hub)
    peers.push(carol)
    await waitFor(async () => (await carol.thread.listMembers()).length === 2)
    expect(await carol.thread._requestBacklog()).toEqual([])
    expect(await carol.thread.getPosts()).toEqual([])
    expect(carol.events.backlogs).toEqual([])
  })

  it('never receive direct messages in a backlog, from sender or receiver', async () => {
    const hub = new MemoryHub()
    const [alice, bob] = (await room(hub, 2)) as [TestPeer, TestPeer]
    await alice.thread.post('public')
    await alice.thread.post('private', bob.did)
    await waitFor(() => bob.events.messages.length === 2)
    const carol = await joinPeer(hub)
    peers.push(carol)
    await waitFor(() => carol.events.backlogs.length === 1)
    await sleep(50)
    expect(carol.events.backlogs.flat().map((p) => p.message)).toEqual(['public'])
    expect(carol.events.messages).toEqual([])
  })
})

describe('forged messages on the topic', () => {
  it('are rejected by every peer (so never forwarded) and reach no listener', async () => {
    const hub = new MemoryHub()
    const three = await room(hub, 3)
    const [alice] = three as [TestPeer]
    const mallory = edKey()
    const forged = forge(mallory, {
      ...claims(mallory, 'chat', ROOM, { message: 'I am alice' }),
      iss: alice.did,
    })
    const verdicts = await hub.inject(ROOM, new TextEncoder().encode(forged))
    expect(verdicts).toEqual(['reject', 'reject', 'reject'])
    const replayedElsewhere = await signClaims(
      await createSeedIdentity(new Uint8Array(32).fill(1)).signerForSpace('testspace'),
      { type: 'chat', room: '3box.chat.v2.testspace.other', message: 'wrong room' },
      Date.now(),
    )
    expect(await hub.inject(ROOM, new TextEncoder().encode(replayedElsewhere.jwt))).toEqual([
      'reject',
      'reject',
      'reject',
    ])
    await sleep(30)
    for (const peer of three) expect(peer.events.messages).toEqual([])
  })
})

describe('backlog answers', () => {
  it('are capped per requesting peer and per DID: past the burst, "cannot answer"', async () => {
    const [alice] = (await room(new MemoryHub(), 1)) as [TestPeer]
    await alice.thread.post('worth asking for')
    const ask = async (seedByte: number, peer: string) => {
      const asker = await createSeedIdentity(new Uint8Array(32).fill(seedByte)).signerForSpace(
        'testspace',
      )
      const request = await signClaims(asker, { type: 'request_backlog', room: ROOM }, Date.now())
      return (await alice.ghost.answerBacklog(encodeUtf8(request.jwt), peer)).request !== ''
    }
    const burst = BACKLOG_ANSWER_RATE.burst
    const answered: boolean[] = []
    for (let i = 0; i <= burst; i++) answered.push(await ask(7, 'QmOnePeer'))
    expect(answered).toEqual([...Array(burst).fill(true), false])
    // Another DID from the same peer, and the same DID from another peer: both spent.
    expect(await ask(8, 'QmOnePeer')).toBe(false)
    expect(await ask(7, 'QmAnotherPeer')).toBe(false)
    // Somebody else is answered as before.
    expect(await ask(9, 'QmThirdPeer')).toBe(true)
  })
})

describe('posts from before a join', () => {
  it('reach a newcomer live (gossip’s message cache) as backlog, within its limit, not as messages', async () => {
    const hub = new MemoryHub()
    const [alice] = (await room(hub, 1)) as [TestPeer]
    const carol = await joinPeer(hub, { backlogLimit: 2 })
    peers.push(carol)
    await waitFor(() => carol.events.joined.includes(alice.did))
    const mallory = edKey()
    const earlierS = Math.floor(Date.now() / 1000) - 3
    // One gossip answer (IWANT) brings them together.
    await Promise.all(
      ['e1', 'e2', 'e3'].map((message) =>
        hub.inject(
          ROOM,
          new TextEncoder().encode(
            forge(mallory, claims(mallory, 'chat', ROOM, { message, iat: earlierS })),
          ),
        ),
      ),
    )
    await waitFor(() => carol.events.backlogs.flat().some((p) => p.message === 'e3'), {
      what: 'the earlier posts as backlog',
    })
    expect(carol.events.messages).toEqual([])
    // Each update within the limit (on a busy machine the checks may finish a moment apart).
    const earlier = carol.events.backlogs.filter((posts) => posts.length > 0)
    expect(earlier.every((posts) => posts.length <= 2)).toBe(true)
    expect(earlier.at(-1)?.map((p) => p.message)).toEqual(['e2', 'e3'])
    expect((await carol.thread.getPosts()).map((p) => p.message)).toEqual(['e2', 'e3'])
    // A post made now is news.
    await alice.thread.post('now')
    await waitFor(() => carol.events.messages.length === 1)
    expect(carol.events.texts()).toEqual(['now'])
  })
})

describe('posts dated ahead of the clock', () => {
  it('cannot silence a room: honest live posts are delivered and kept after them', async () => {
    const hub = new MemoryHub()
    const [alice, bob] = (await room(hub, 2)) as [TestPeer, TestPeer]
    // Fifty posts dated just inside the allowed skew fill bob's store of 50.
    const mallory = edKey()
    const aheadS = Math.floor(Date.now() / 1000) + MAX_CLOCK_SKEW_S - 1
    for (let i = 0; i < 50; i++) {
      const jwt = forge(
        mallory,
        claims(mallory, 'chat', ROOM, { message: `ahead ${i}`, iat: aheadS }),
      )
      expect(await hub.inject(ROOM, new TextEncoder().encode(jwt))).toEqual(['accept', 'accept'])
    }
    await waitFor(() => bob.events.messages.length === 50, { what: 'the 50 posts dated ahead' })
    await alice.thread.post('still here')
    await waitFor(() => bob.events.messages.some((post) => post.message === 'still here'), {
      what: "alice's post to reach bob",
    })
    // It is the newest in bob's store, and the first of mallory's went to make room.
    const held = (await bob.thread.getPosts()).map((post) => post.message)
    expect(held).toHaveLength(50)
    expect(held.at(-1)).toBe('still here')
    expect(held).not.toContain('ahead 0')
    // Beyond the skew a post is refused outright (ignored: a
    // forwarder whose clock is ahead of ours is not at fault).
    const tooFar = forge(
      mallory,
      claims(mallory, 'chat', ROOM, { message: 'too far', iat: aheadS + 5 }),
    )
    expect(await hub.inject(ROOM, new TextEncoder().encode(tooFar))).toEqual(['ignore', 'ignore'])
  })
})

/** The chat JWTs a peer would hand a newcomer. */
async function chatJwtsHeldBy(peer: TestPeer): Promise<string[]> {
  const asker = await createSeedIdentity(new Uint8Array(32).fill(9)).signerForSpace('testspace')
  const request = await signClaims(asker, { type: 'request_backlog', room: ROOM }, Date.now())
  const answer = await peer.ghost.answerBacklog(encodeUtf8(request.jwt), 'QmTestAsker')
  return answer.entries.filter((jwt) => typeOf(jwt) === 'chat')
}

function typeOf(jwt: string): unknown {
  const decoded = decodeCompactJwt(jwt)
  return 'payload' in decoded ? (decoded.payload as { type?: unknown }).type : undefined
}

/**
 * A member that behaves on the topic (answers joins with a signed presence) and answers
 * backlog requests however the test likes.
 */
function hostileMember(
  hub: MemoryHub,
  key: TestKey,
  answer: (requestJti: string) => unknown,
): MemoryTransport {
  const transport = hub.createTransport()
  const encode = (value: unknown) =>
    new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value))
  transport.subscribe(ROOM, async (message) => {
    if (typeOf(new TextDecoder().decode(message.data)) === 'join') {
      void transport.publish(
        ROOM,
        encode(forge(key, claims(key, 'presence', ROOM, { peer: transport.peerId }))),
      )
    }
    return 'accept'
  })
  transport.handle(BACKLOG_PROTOCOL, async (request) => {
    const decoded = decodeCompactJwt(new TextDecoder().decode(request))
    const jti = 'payload' in decoded ? String((decoded.payload as { jti?: unknown }).jti) : ''
    return encode(answer(jti))
  })
  return transport
}
