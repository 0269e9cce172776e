/**
 * Private rooms through the engine (issue 25), on the in-memory network: members chat,
 * DM, react and catch up as in a public room, while what travels on the topic is sealed
 * envelopes that name no space, room, DID or text, and an outsider who knows the topic
 * gets nothing accepted. The relay's side runs through real relay processes in
 * test/net/private-rooms.test.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  createSeedIdentity,
  ENVELOPE_BUCKETS,
  GhostThreads,
  generateSeed,
  InvalidArgumentError,
  MemoryHub,
  ReceiptRules,
  signClaims,
  topicFor,
} from '../../src/core/index.js'
import { inviteSecret, newInvite, privateRoomKeys, seal } from '../../src/core/private-room.js'
import { isPrivateTopic } from '../../src/core/room-name.js'
import { encodeUtf8 } from '../../src/core/utf8.js'
import { CREATOR } from '../helpers/invites.js'
import { closeAll, FAST_TIMINGS, joinPeer, type TestPeer } from '../helpers/room.js'
import { waitFor } from '../helpers/wait.js'

let peers: TestPeer[] = []
afterEach(async () => {
  await closeAll(peers)
  peers = []
})

async function privateRoom(hub: MemoryHub, size: number, invite = newInvite(CREATOR)) {
  const joined: TestPeer[] = []
  for (let i = 0; i < size; i++) joined.push(await joinPeer(hub, { room: 'secret-plans', invite }))
  peers.push(...joined)
  await waitFor(
    async () =>
      (await Promise.all(joined.map((peer) => peer.thread.listMembers()))).every(
        (list) => list.length === size,
      ),
    { what: `all ${size} members to list each other` },
  )
  return joined
}

/** Every message on `topic`, as a node that subscribed to it sees the bytes. */
function wiretap(hub: MemoryHub, topic: string): Uint8Array[] {
  const seen: Uint8Array[] = []
  hub.createTransport('12D3KooWWiretap0000000000000000').subscribe(topic, async (message) => {
    seen.push(message.data)
    return 'ignore'
  })
  return seen
}

describe('a private room', () => {
  it('three members chat, DM and react; the topic carries only sealed envelopes', async () => {
    const hub = new MemoryHub()
    const invite = newInvite(CREATOR)
    const topic = privateRoomKeys(inviteSecret(invite), 'testspace').topic
    const tapped = wiretap(hub, topic)
    const [a, b, c] = (await privateRoom(hub, 3, invite)) as [TestPeer, TestPeer, TestPeer]
    expect(a.thread.topic).toBe(topic)
    expect(isPrivateTopic(a.thread.topic)).toBe(true)
    expect(a.thread.name).toBe('secret-plans')
    expect(a.thread.invite).toBe(invite)
    const postId = await a.thread.post('meet at the old mill')
    await b.thread.post({ reply: 'at noon', to: postId })
    await c.thread.post('only for a', a.did)
    await b.thread.react(postId, '👍')
    await waitFor(() => b.events.allTexts().includes('meet at the old mill'), { what: 'b reads a' })
    // A post racing a newcomer's backlog fetch comes as backlog: either way once.
    await waitFor(() => c.events.allTexts().includes('meet at the old mill'), { what: 'c reads a' })
    await waitFor(() => a.events.texts().includes('only for a'), { what: 'a reads the DM' })
    await waitFor(async () => (await c.thread.reactionsOf(postId)).some((r) => r.count === 1), {
      what: 'c counts the reaction',
    })
    expect(b.events.texts()).not.toContain('only for a')
    // What a relay or anyone on the topic saw: envelopes of bucket sizes, nothing readable.
    expect(tapped.length).toBeGreaterThan(6)
    const sizes = new Set(tapped.map((bytes) => bytes.length))
    const envelopeSizes = ENVELOPE_BUCKETS.map((bucket) => bucket + 1 + 24 + 16 + 64)
    expect([...sizes].every((size) => envelopeSizes.includes(size))).toBe(true)
    const all = Buffer.concat(tapped.map((bytes) => Buffer.from(bytes)))
    for (const secret of [
      'meet at the old mill',
      'at noon',
      'secret-plans',
      'testspace',
      'did:key',
      a.did,
      'eyJ',
      '👍',
    ])
      expect([secret, all.includes(Buffer.from(secret))]).toEqual([secret, false])
  })

  it('a newcomer catches up on the member list and posts', async () => {
    const hub = new MemoryHub()
    const invite = newInvite(CREATOR)
    const [a, b] = (await privateRoom(hub, 2, invite)) as [TestPeer, TestPeer]
    await a.thread.post('said before you came')
    await waitFor(() => b.events.texts().includes('said before you came'), { what: 'b reads it' })
    const late = await joinPeer(hub, { room: 'my-name-for-it', invite })
    peers.push(late)
    await waitFor(() => late.events.allTexts().includes('said before you came'), {
      what: 'the backlog',
    })
    await waitFor(async () => (await late.thread.listMembers()).length === 3, { what: 'members' })
    expect(late.thread.topic).toBe(a.thread.topic)
  })

  it('an outsider who knows the topic gets nothing accepted, and a public room of the same name is another room', async () => {
    const hub = new MemoryHub()
    const [a, b] = (await privateRoom(hub, 2)) as [TestPeer, TestPeer]
    const outsider = privateRoomKeys(inviteSecret(newInvite(CREATOR)), 'testspace')
    const identity = createSeedIdentity(generateSeed())
    const signer = await identity.signerForSpace('testspace')
    const { jwt } = await signClaims(
      signer,
      { type: 'chat', room: a.thread.topic, message: 'spam' },
      Date.now(),
    )
    // A signed post in the clear, one sealed with another room's keys, and noise.
    const verdicts = [
      ...(await hub.inject(a.thread.topic, encodeUtf8(jwt))),
      ...(await hub.inject(a.thread.topic, await seal(outsider, encodeUtf8(jwt)))),
      ...(await hub.inject(
        a.thread.topic,
        new Uint8Array((ENVELOPE_BUCKETS[0] as number) + 1 + 24 + 16 + 64),
      )),
    ]
    expect(verdicts).toEqual(Array(6).fill('reject'))
    expect([...a.events.texts(), ...b.events.texts()]).not.toContain('spam')
    // The public room called the same is not this one.
    const publicPeer = await joinPeer(hub, { room: 'secret-plans' })
    peers.push(publicPeer)
    expect(publicPeer.thread.topic).toBe(topicFor('testspace', 'secret-plans'))
    await publicPeer.thread.post('public hello')
    expect(await a.thread.listMembers()).toHaveLength(2)
    expect(a.events.texts()).not.toContain('public hello')
  })

  it('an invite is checked by name, and createPrivateThread makes one', async () => {
    const hub = new MemoryHub()
    const ghost = new GhostThreads({
      transport: hub.createTransport(),
      identity: createSeedIdentity(generateSeed()),
      timings: FAST_TIMINGS,
      rules: new ReceiptRules(),
    })
    const space = await ghost.openSpace('testspace')
    await expect(space.joinThread('x', { ghost: true, invite: 'not-an-invite' })).rejects.toThrow(
      /joinThread option invite is not an invite.*ask whoever invited you/,
    )
    await expect(
      space.joinThread('x', { ghost: true, invite: 42 as never }),
    ).rejects.toBeInstanceOf(InvalidArgumentError)
    const { thread, invite } = await space.createPrivateThread('plans')
    expect(thread.invite).toBe(invite)
    expect(thread.name).toBe('plans')
    expect(thread.topic).toBe(privateRoomKeys(inviteSecret(invite), 'testspace').topic)
    const named = await space.createPrivateThread()
    expect(named.thread.name).toBe('private')
    expect(named.thread.topic).not.toBe(thread.topic)
    await expect(space.createPrivateThread('plans', { invite } as never)).rejects.toThrow(
      /makes a new invite; to join a room you were invited to/,
    )
    await ghost.stop()
  })
})
