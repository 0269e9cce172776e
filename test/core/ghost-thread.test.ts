import { afterEach, describe, expect, it, jest } from '@jest/globals'
import type { BacklogEvent, Post } from '../../src/core/index.js'
import {
  createSeedIdentity,
  decodeCompactJwt,
  ErrorCode,
  GhostThreads,
  generateSeed,
  InvalidArgumentError,
  InvalidMessageError,
  InvalidNameError,
  MAX_MESSAGE_BYTES,
  MemoryHub,
  MessageTooLargeError,
  NotAMemberError,
  OWN_POST_RATE,
  PeerUnreachableError,
  RateLimitedError,
  ThreadClosedError,
  UnsupportedOperationError,
} from '../../src/core/index.js'
import type { PubSubTransport } from '../../src/core/transport.js'
import { closeAll, FAST_TIMINGS, joinPeer, type TestPeer } from '../helpers/room.js'
import { sleep, waitFor } from '../helpers/wait.js'

let peers: TestPeer[] = []
afterEach(async () => {
  await closeAll(peers)
  peers = []
})

async function pair(): Promise<[TestPeer, TestPeer, MemoryHub]> {
  const hub = new MemoryHub()
  const alice = await joinPeer(hub)
  const bob = await joinPeer(hub)
  peers.push(alice, bob)
  await waitFor(
    () => alice.events.joined.includes(bob.did) && bob.events.joined.includes(alice.did),
    {
      what: 'both to see each other join',
    },
  )
  return [alice, bob, hub]
}

describe('GhostThread with two peers', () => {
  it('asks for the backlog again when no member answered its join the first time', async () => {
    const hub = new MemoryHub()
    const alice = await joinPeer(hub)
    peers.push(alice)
    await alice.thread.post('said before bob came')
    const transport = hub.createTransport()
    const request = transport.request.bind(transport)
    let refused = 0
    // As right after a relay restart: the members' circuits are not back yet.
    transport.request = async (peer, protocol, data, options) => {
      if (protocol.includes('backlog') && refused < 2) {
        refused++
        throw new PeerUnreachableError('not reachable yet')
      }
      return request(peer, protocol, data, options)
    }
    const ghost = new GhostThreads({
      transport,
      identity: createSeedIdentity(generateSeed()),
      timings: FAST_TIMINGS,
    })
    try {
      const thread = await (await ghost.openSpace('testspace')).joinThread('lobby', { ghost: true })
      await waitFor(
        async () => (await thread.getPosts()).some((p) => p.message === 'said before bob came'),
        { timeoutMs: 5_000, what: 'the backlog, on a later try' },
      )
      expect(refused).toBe(2)
    } finally {
      await ghost.stop()
    }
  })

  it('says nothing, not even a presence, until its transport can hear the room', async () => {
    const hub = new MemoryHub()
    const bob = await joinPeer(hub)
    peers.push(bob)
    const transport = hub.createTransport()
    let canHear = (): void => undefined
    // As the libp2p transport does until a peer has it in its gossip mesh.
    ;(transport as PubSubTransport).receiving = () =>
      new Promise<void>((resolve) => (canHear = resolve))
    const ghost = new GhostThreads({
      transport,
      identity: createSeedIdentity(generateSeed()),
      timings: FAST_TIMINGS,
    })
    try {
      const space = await ghost.openSpace('testspace')
      const joining = space.joinThread('lobby', { ghost: true })
      await sleep(FAST_TIMINGS.presenceIntervalMs * 3)
      expect(bob.events.joined).toEqual([])
      canHear()
      await joining
      await waitFor(() => bob.events.joined.includes(space.did), { what: 'the join, once heard' })
    } finally {
      canHear()
      await ghost.stop()
    }
  })

  it('announces joins both ways and lists members, our own DID first', async () => {
    const [alice, bob] = await pair()
    expect(await alice.thread.listMembers()).toEqual([alice.did, bob.did])
    expect(await bob.thread.listMembers()).toEqual([bob.did, alice.did])
    expect(alice.events.joined).toEqual([bob.did])
  })

  it('delivers chat both ways in the 3box post shape, with one postId everywhere', async () => {
    const [alice, bob] = await pair()
    const postId = await alice.thread.post('hello bob')
    await bob.thread.post({ text: 'hi alice', tags: ['wave'] })
    await waitFor(() => bob.events.messages.length === 2 && alice.events.messages.length === 2)
    const atBob = bob.events.messages.find((p) => p.author === alice.did)
    expect(atBob).toEqual({
      type: 'chat',
      author: alice.did,
      message: 'hello bob',
      timestamp: expect.any(Number),
      postId,
    })
    expect(postId).toMatch(/^bafyrei[a-z2-7]+$/)
    expect(Math.abs((atBob?.timestamp ?? 0) - Date.now() / 1000)).toBeLessThan(5)
    expect(alice.events.messages.find((p) => p.author === bob.did)?.message).toEqual({
      text: 'hi alice',
      tags: ['wave'],
    })
  })

  it('emits our own posts to our own listeners and keeps them in the backlog', async () => {
    const [alice] = await pair()
    await alice.thread.post('mine')
    expect(alice.events.texts()).toEqual(['mine'])
    expect((await alice.thread.getPosts()).map((p) => p.message)).toEqual(['mine'])
  })

  it('getPosts(n) returns the newest n posts, oldest first, and refuses bad counts', async () => {
    const [alice, bob] = await pair()
    for (const text of ['one', 'two', 'three']) await alice.thread.post(text)
    // A bound, not a pace: with both cores busy the default 3 s ran out once.
    await waitFor(() => bob.events.messages.length === 3, {
      timeoutMs: 15_000,
      what: "alice's three posts at bob",
    })
    expect((await bob.thread.getPosts()).map((p) => p.message)).toEqual(['one', 'two', 'three'])
    expect((await bob.thread.getPosts(2)).map((p) => p.message)).toEqual(['two', 'three'])
    for (const bad of [0, -1, 1.5, '2', Number.NaN, 10_000]) {
      await expect(bob.thread.getPosts(bad as number)).rejects.toThrow(InvalidArgumentError)
    }
  })

  it('onUpdate sees posts and backlog arrivals; its remover stops it', async () => {
    const [alice, bob] = await pair()
    const updates: (Post | BacklogEvent)[] = []
    const stop = bob.thread.onUpdate((update) => updates.push(update))
    // Bob's own join may still bring its first (empty) backlog update, on a busy machine
    // after this registration: the post is looked for, not counted on as update one.
    const chats = () => updates.filter((update) => update.type === 'chat')
    await alice.thread.post('first')
    await waitFor(() => chats().length === 1)
    expect(chats()[0]).toMatchObject({ type: 'chat', message: 'first' })
    // 3IP-9: _requestBacklog resolves to (and emits) what the peers sent, also posts bob holds.
    const backlog = await bob.thread._requestBacklog()
    expect(backlog.map((post) => post.message)).toEqual(['first'])
    expect(updates.at(-1)).toEqual({ type: 'backlog', message: backlog })
    stop()
    const seen = updates.length
    await alice.thread.post('second')
    await waitFor(() => bob.events.messages.length === 2)
    expect(updates).toHaveLength(seen)
  })

  it('onUpdate and onNewCapabilities replace the callback an earlier call registered (3box), while on() adds listeners', async () => {
    const [alice, bob] = await pair()
    const first: unknown[] = []
    const second: unknown[] = []
    const listener: unknown[] = []
    // (Only posts are counted: bob's own join may still bring its first backlog update.)
    const chat = (into: unknown[]) => (update: Post | BacklogEvent) =>
      update.type === 'chat' && into.push(update)
    bob.thread.on('message', (post) => listener.push(post.message))
    bob.thread.onUpdate(chat(first))
    // A dapp that registers again on every render hears each post once, with its newest callback.
    const removeSecond = bob.thread.onUpdate(chat(second))
    bob.thread.onUpdate(chat(second))
    await alice.thread.post('once')
    await waitFor(() => second.length === 1 && listener.length === 1)
    await alice.thread.post('twice')
    await waitFor(() => second.length === 2 && listener.length === 2)
    expect(first).toEqual([])
    expect(second.map((update) => (update as { message: unknown }).message)).toEqual([
      'once',
      'twice',
    ])
    // The remover of a replaced callback no longer removes the newest one.
    removeSecond()
    await alice.thread.post('thrice')
    await waitFor(() => second.length === 3)

    const capabilities: string[] = []
    alice.thread.onNewCapabilities(() => capabilities.push('old'))
    alice.thread.onNewCapabilities((event) => capabilities.push(event))
    await bob.thread.close()
    await waitFor(() => capabilities.length === 1)
    expect(capabilities).toEqual(['left'])
    expect(() => alice.thread.onUpdate('not a function' as never)).toThrow(InvalidArgumentError)
  })

  it('is a ghost thread to code that asks (3box space.js branches on isGhost)', async () => {
    const [alice] = await pair()
    expect(alice.thread.isGhost).toBe(true)
  })

  it('refuses to listen for an event it never emits, by name', async () => {
    const [alice] = await pair()
    for (const listen of [
      () => alice.thread.on('bogus' as never, () => {}),
      () => alice.thread.once('messages' as never, () => {}),
      () => alice.thread.addListener('user-join' as never, () => {}),
    ])
      expect(listen).toThrow(
        /takes one of the thread's events: message, user-joined, user-left, backlog-received, delivery, missed, typing, reactions, seen, members, moved, closed/,
      )
    expect(() => alice.thread.once('message', () => {})).not.toThrow()
  })

  it('onNewCapabilities reports joined and left with the DID', async () => {
    const hub = new MemoryHub()
    const alice = await joinPeer(hub)
    peers.push(alice)
    const seen: [string, string][] = []
    alice.thread.onNewCapabilities((event, did) => seen.push([event, did]))
    const bob = await joinPeer(hub)
    peers.push(bob)
    await waitFor(() => seen.length === 1)
    await bob.thread.close()
    await waitFor(() => seen.length === 2)
    expect(seen).toEqual([
      ['joined', bob.did],
      ['left', bob.did],
    ])
  })

  it('filters hide posts from events and from getPosts; removing a filter lets posts through again', async () => {
    const [alice, bob] = await pair()
    const remove = bob.thread.addFilter((post) => post.message !== 'spam')
    const broken = () => {
      throw new Error('a broken filter')
    }
    bob.thread.addFilter(broken)
    await alice.thread.post('spam')
    await sleep(50)
    expect(bob.events.messages).toEqual([])
    // The broken filter hides everything; removing it restores delivery.
    expect(bob.thread.removeFilter(broken)).toBe(true)
    expect(bob.thread.removeFilter(broken)).toBe(false)
    await alice.thread.post('spam')
    await alice.thread.post('ham')
    await waitFor(() => bob.events.messages.length === 1)
    expect(bob.events.texts()).toEqual(['ham'])
    expect(remove()).toBe(true)
    await alice.thread.post('spam')
    await waitFor(() => bob.events.messages.length === 2)
    expect((await bob.thread.getPosts()).map((p) => p.message)).toEqual(['ham', 'spam'])
    expect(() => bob.thread.addFilter('not a function' as never)).toThrow(InvalidArgumentError)
  })

  it('refuses what 3IP-9 says ghost threads cannot do through the promise, with code 4200 (a dapp’s .catch runs)', async () => {
    const [alice] = await pair()
    for (const call of [
      () => alice.thread.deletePost('bafy…'),
      () => alice.thread.addModerator('did:key:z6Mk…'),
      () => alice.thread.listModerators(),
      () => alice.thread.addMember('did:key:z6Mk…'),
    ]) {
      let result: Promise<unknown> | undefined
      expect(() => {
        result = call()
      }).not.toThrow()
      const caught = await (result as Promise<unknown>).catch((err: unknown) => err)
      expect(caught).toBeInstanceOf(UnsupportedOperationError)
      expect((caught as UnsupportedOperationError).code).toBe(ErrorCode.unsupported)
    }
    await expect(alice.thread.addModerator()).rejects.toThrow(/addFilter/)
  })

  it('honours ghostFilters from the start and refuses options it does not have, by name', async () => {
    const hub = new MemoryHub()
    const alice = await joinPeer(hub)
    const bob = await joinPeer(hub)
    peers.push(alice, bob)
    await waitFor(() => alice.events.joined.includes(bob.did))
    await alice.thread.post('alice, before carol')
    await bob.thread.post('bob, before carol')
    const carolGhost = new GhostThreads({
      transport: hub.createTransport(),
      identity: createSeedIdentity(generateSeed()),
      timings: FAST_TIMINGS,
    })
    const space = await carolGhost.openSpace('testspace')
    const seen: string[] = []
    // 3box's filters were called (payload, issuer, from): the author is the second argument.
    const carol = await space.joinThread('lobby', {
      ghost: true,
      ghostFilters: [(_post, author) => author !== alice.did],
    })
    carol.on('backlog-received', ({ message }) =>
      seen.push(...message.map((p) => String(p.message))),
    )
    carol.on('message', (post) => seen.push(String(post.message)))
    await waitFor(async () => (await carol.getPosts()).length === 1, { what: 'the backlog' })
    await alice.thread.post('alice, live')
    await bob.thread.post('bob, live')
    await waitFor(() => seen.includes('bob, live'))
    expect(seen).toEqual(['bob, before carol', 'bob, live'])
    await carolGhost.stop()

    for (const [options, pattern] of [
      [{ ghost: true, ghostPinbot: '/ip4/…' }, /ghostPinbot: relays keep/],
      [{ ghost: true, members: true }, /option members: ghost threads are open rooms/],
      [
        { ghost: true, linkedOnly: true },
        /option linkedOnly: it is applied where pages meet rooms/,
      ],
      [
        { ghost: true, backlogLimit: 5 },
        /option backlogLimit: the options are ghost, ghostBacklogLimit, ghostFilters/,
      ],
      [{ ghost: true, ghostFilters: ['troll'] }, /ghostFilters.0 must be a function/],
      [{ ghost: true, ghostFilters: () => true }, /ghostFilters must be an array of functions/],
    ] as const) {
      await expect(space.joinThread('other', options as never)).rejects.toThrow(pattern)
    }
    await expect(
      alice.ghost.openSpace('testspace', { consentCallback: () => {} } as never),
    ).rejects.toThrow(/openSpace\(name\) takes no options here \(got consentCallback\)/)
  })

  it('refuses non-ghost threads, bad backlog limits and bad room names when joining', async () => {
    const [alice] = await pair()
    const space = await alice.ghost.openSpace('testspace')
    await expect(space.joinThread('room', { ghost: false })).rejects.toThrow(
      /Only ghost threads are supported/,
    )
    await expect(space.joinThread('room')).rejects.toThrow(UnsupportedOperationError)
    await expect(space.joinThread('room', { ghost: true, ghostBacklogLimit: 0 })).rejects.toThrow(
      InvalidArgumentError,
    )
    await expect(space.joinThread('room', { ghost: true, ghostBacklogLimit: 2.5 })).rejects.toThrow(
      InvalidArgumentError,
    )
    await expect(space.joinThread('no spaces', { ghost: true })).rejects.toThrow(InvalidNameError)
    await expect(alice.ghost.openSpace('a.b')).rejects.toThrow(InvalidNameError)
    expect(alice.ghost.openThreads()).toEqual([alice.thread])
  })

  it('refuses posts past what receivers accept from one DID with a named error, losing none it reported sent', async () => {
    // Heartbeats at the real pace: the tests' 100 ms ones would spend the DID's budget.
    const hub = new MemoryHub()
    const slow = { timings: { presenceIntervalMs: 20_000, memberExpiryMs: 65_000 } }
    const alice = await joinPeer(hub, slow)
    const bob = await joinPeer(hub, slow)
    peers.push(alice, bob)
    await waitFor(() => bob.events.joined.includes(alice.did), { what: 'bob to see alice' })
    const outcomes = await Promise.allSettled(
      Array.from({ length: OWN_POST_RATE.burst + 10 }, (_, i) => alice.thread.post(`burst ${i}`)),
    )
    const sent = outcomes.filter((outcome) => outcome.status === 'fulfilled')
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as Error & { code: number }] : [],
    )
    expect(sent.length).toBeGreaterThanOrEqual(OWN_POST_RATE.burst)
    expect(sent.length).toBeLessThan(OWN_POST_RATE.burst + 10)
    expect(refused[0]).toBeInstanceOf(RateLimitedError)
    expect(refused[0]?.code).toBe(-32005)
    // Every post reported as sent arrives: none was dropped by the receiver's DID limit.
    // (Live, or in bob's backlog answer if they raced his join.)
    const delivered = () => new Set(bob.events.allTexts()).size
    await waitFor(() => delivered() === sent.length, { what: 'every post reported as sent' })
    await sleep(100)
    expect(delivered()).toBe(sent.length)
    // The budget refills: a moment later the member posts again.
    await sleep(1_000 / OWN_POST_RATE.perSecond + 20)
    await expect(alice.thread.post('after a pause')).resolves.toEqual(expect.any(String))
  })

  it('joining the same room twice in one space gives the same thread', async () => {
    const [alice] = await pair()
    const space = await alice.ghost.openSpace('testspace')
    expect(await space.joinThread('lobby', { ghost: true })).toBe(alice.thread)
  })

  it('refuses messages that are not JSON or too large, and loses nothing', async () => {
    const [alice, bob] = await pair()
    await alice.thread.post('before')
    for (const bad of [
      undefined,
      () => 1,
      Symbol('x'),
      10n,
      { nested: { fn: () => 1 } },
      Number.POSITIVE_INFINITY,
    ]) {
      await expect(alice.thread.post(bad)).rejects.toThrow(InvalidMessageError)
    }
    await expect(alice.thread.post('x'.repeat(MAX_MESSAGE_BYTES + 1))).rejects.toThrow(
      MessageTooLargeError,
    )
    const deep = JSON.parse(`${'['.repeat(2_500)}${']'.repeat(2_500)}`)
    await expect(alice.thread.post(deep)).rejects.toThrow(/nest at most 32 arrays and objects/)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await expect(alice.thread.post(cyclic)).rejects.toThrow(InvalidMessageError)
    await expect(alice.thread.post('é'.repeat(MAX_MESSAGE_BYTES / 2))).rejects.toThrow(
      /bytes as JSON, the limit is/,
    )
    await alice.thread.post('after')
    await waitFor(() => bob.events.messages.length === 2)
    expect(bob.events.texts()).toEqual(['before', 'after'])
    expect((await alice.thread.getPosts()).map((p) => p.message)).toEqual(['before', 'after'])
  })

  it('close() sends a signed leave: the other side sees user-left once, and the thread refuses further use', async () => {
    const [alice, bob] = await pair()
    const closed: string[] = []
    alice.thread.on('closed', (reason) => closed.push(reason))
    expect(alice.thread.closedReason).toBeUndefined()
    await expect(alice.thread.close()).resolves.toBe('closed')
    await expect(alice.thread.close()).resolves.toBe('closed')
    // Its last event, once; then no listener is left.
    expect(closed).toEqual(['closed'])
    expect(alice.thread.listenerCount('closed')).toBe(0)
    expect(alice.thread.closedReason).toBe('closed')
    await waitFor(() => bob.events.left.length === 1)
    expect(bob.events.left).toEqual([alice.did])
    expect(await bob.thread.listMembers()).toEqual([bob.did])
    await expect(alice.thread.post('hello?')).rejects.toMatchObject({
      name: 'ThreadClosedError',
      reason: 'closed',
    })
    await expect(alice.thread.getPosts()).rejects.toThrow(ThreadClosedError)
    await expect(alice.thread.listMembers()).rejects.toThrow(ThreadClosedError)
    await expect(alice.thread._requestBacklog()).rejects.toThrow(ThreadClosedError)
    expect(alice.ghost.openThreads()).toEqual([])
    await sleep(150)
    expect(bob.events.left).toEqual([alice.did])
  })

  it('a member that crashes without leaving expires, and user-left fires exactly once', async () => {
    const [alice, bob, hub] = await pair()
    hub.disconnect(alice.transport.peerId, { silent: true })
    expect(await bob.thread.listMembers()).toContain(alice.did)
    await waitFor(() => bob.events.left.length === 1, { what: 'presence to expire' })
    expect(bob.events.left).toEqual([alice.did])
    expect(await bob.thread.listMembers()).toEqual([bob.did])
    await sleep(300)
    expect(bob.events.left).toEqual([alice.did])
  })

  it('heartbeats keep a quiet member online past the expiry time', async () => {
    const [alice, bob] = await pair()
    await sleep(900) // more than twice the 400 ms expiry
    expect(await bob.thread.listMembers()).toEqual([bob.did, alice.did])
    expect(bob.events.left).toEqual([])
  })

  it('a peer seen leaving the topic is removed at once', async () => {
    const [alice, bob, hub] = await pair()
    hub.disconnect(alice.transport.peerId)
    await waitFor(() => bob.events.left.length === 1, { timeoutMs: 100 })
    expect(bob.events.left).toEqual([alice.did])
  })

  it('one DID on two peers stays a member until its last peer is gone', async () => {
    const hub = new MemoryHub()
    const seed = new Uint8Array(32).fill(3)
    const bob = await joinPeer(hub)
    const laptop = await joinPeer(hub, { seed })
    const phone = await joinPeer(hub, { seed })
    peers.push(bob, laptop, phone)
    expect(laptop.did).toBe(phone.did)
    await waitFor(() => bob.events.joined.length === 1)
    await sleep(50)
    expect(bob.events.joined).toEqual([laptop.did])
    await laptop.thread.close()
    await sleep(100)
    expect(bob.events.left).toEqual([])
    expect(await bob.thread.listMembers()).toContain(phone.did)
    await phone.thread.close()
    await waitFor(() => bob.events.left.length === 1)
    expect(bob.events.left).toEqual([phone.did])
    // Our own DID on another peer is never reported as joining or leaving.
    expect(laptop.events.joined).toEqual([bob.did])
  })

  it('per-DID rate limits drop the excess quietly and the room goes on', async () => {
    const hub = new MemoryHub()
    const alice = await joinPeer(hub)
    const bob = await joinPeer(hub, { rules: { didRateLimit: { burst: 5, perSecond: 1 } } })
    peers.push(alice, bob)
    await waitFor(() => bob.events.joined.length === 1)
    for (let i = 0; i < 12; i++) await alice.thread.post(`flood ${i}`)
    const ignored = () =>
      hub.verdicts.filter((v) => v.to === bob.transport.peerId && v.result === 'ignore')
    // Every post has had its verdict at bob (on a busy machine his inbox lags the sender).
    await waitFor(() => bob.events.messages.length + ignored().length >= 12, {
      what: 'a verdict on every post at bob',
    })
    expect(bob.events.messages.length).toBeGreaterThanOrEqual(1)
    expect(bob.events.messages.length).toBeLessThan(6)
    expect(ignored().length).toBeGreaterThan(6)
    expect(await bob.thread.listMembers()).toContain(alice.did)
  })
})

describe('direct messages', () => {
  it('reach only their target, marked with `to`, and enter no backlog', async () => {
    const hub = new MemoryHub()
    const [alice, bob, carol] = [await joinPeer(hub), await joinPeer(hub), await joinPeer(hub)]
    peers.push(alice, bob, carol)
    await waitFor(async () => (await alice.thread.listMembers()).length === 3)
    const publish = jest.spyOn(alice.transport, 'publish')
    const postId = await alice.thread.post('psst, bob', bob.did)
    await waitFor(() => bob.events.messages.length === 1)
    expect(bob.events.messages[0]).toMatchObject({
      author: alice.did,
      message: 'psst, bob',
      to: bob.did,
      postId,
    })
    await sleep(50)
    expect(carol.events.messages).toEqual([])
    expect(alice.events.messages).toEqual([
      expect.objectContaining({ to: bob.did, message: 'psst, bob' }),
    ])
    expect(await alice.thread.getPosts()).toEqual([])
    expect(await bob.thread.getPosts()).toEqual([])
    // The DM travelled over the direct protocol, never over pubsub.
    const publishedTypes = publish.mock.calls.map(([, data]) => {
      const decoded = decodeCompactJwt(new TextDecoder().decode(data))
      return 'payload' in decoded ? (decoded.payload as { type: string }).type : 'undecodable'
    })
    expect(publishedTypes).not.toContain('chat')
    await alice.thread.post('to everyone')
    expect(publish).toHaveBeenCalledTimes(publishedTypes.length + 1)
  })

  it('to a DID that is not online fails with NotAMemberError; to a peer id with InvalidArgumentError', async () => {
    const [alice, bob] = await pair()
    const stranger = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
    await expect(alice.thread.post('hi', stranger)).rejects.toThrow(NotAMemberError)
    await expect(alice.thread.post('hi', bob.transport.peerId)).rejects.toThrow(
      InvalidArgumentError,
    )
    await expect(alice.thread.post('hi', 42 as unknown as string)).rejects.toThrow(/got 42/)
  })

  it('fails with DirectMessageFailedError when the member’s peer has gone', async () => {
    const [alice, bob, hub] = await pair()
    hub.disconnect(bob.transport.peerId, { silent: true })
    await expect(alice.thread.post('still there?', bob.did)).rejects.toMatchObject({
      name: 'DirectMessageFailedError',
      code: ErrorCode.disconnected,
    })
  })
})
