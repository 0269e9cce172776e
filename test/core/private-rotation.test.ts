/**
 * Removing someone from a private room = a new key (issue 25, thread-rotation.ts): the
 * creator moves the room to a new invite boxed to the members it keeps; they move with
 * it and chat on, the removed member's thread closes and reads nothing sent after, and
 * only the creator's word moves a room. On the in-memory network; the relay's side is in
 * test/net/private-rooms.test.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  createSeedIdentity,
  type GhostThread,
  generateSeed,
  MemoryHub,
  NotAMemberError,
  signClaims,
  UnsupportedOperationError,
} from '../../src/core/index.js'
import { inviteCreator, inviteSecret, open, privateRoomKeys } from '../../src/core/private-room.js'
import { boxSecret } from '../../src/core/room-rekey.js'
import { SealedTransport } from '../../src/core/sealed-transport.js'
import { encodeUtf8 } from '../../src/core/utf8.js'
import { closeAll, EventLog, joinPeer, type TestPeer } from '../helpers/room.js'
import { waitFor } from '../helpers/wait.js'

let peers: TestPeer[] = []
afterEach(async () => {
  await closeAll(peers)
  peers = []
})

/** Alice makes a private room; the others join by its invite; all list each other. */
async function room(hub: MemoryHub, others: number, timings = {}) {
  const alice = await joinPeer(hub, { room: 'plans', createPrivate: true, timings })
  const invite = alice.thread.invite as string
  const joined = [alice]
  for (let i = 0; i < others; i++)
    joined.push(await joinPeer(hub, { room: 'plans', invite, timings }))
  peers.push(...joined)
  await waitFor(
    async () =>
      (await Promise.all(joined.map((p) => p.thread.listMembers()))).every(
        (list) => list.length === joined.length,
      ),
    { what: 'everyone to list everyone' },
  )
  return joined
}

/** The thread a peer chats in now: its room's newest successor. */
function current(peer: TestPeer): GhostThread {
  let thread = peer.thread
  while (thread.successor !== undefined) thread = thread.successor
  return thread
}

/** Every message on `topic`, as any node subscribed to it sees the bytes. */
function wiretap(hub: MemoryHub, topic: string): Uint8Array[] {
  const seen: Uint8Array[] = []
  hub.createTransport().subscribe(topic, async ({ data }) => {
    seen.push(data)
    return 'ignore'
  })
  return seen
}

describe('rotating a private room', () => {
  it('the creator removes a member: the others move with the room and chat on; the removed one reads nothing after', async () => {
    const hub = new MemoryHub()
    const [alice, bob, carol] = (await room(hub, 2)) as [TestPeer, TestPeer, TestPeer]
    const oldInvite = alice.thread.invite as string
    expect(inviteCreator(oldInvite)).toBe(alice.did)
    const heard = { bob: [] as string[], carol: [] as string[] }
    bob.thread.on('moved', (invite) => heard.bob.push(invite))
    carol.thread.on('closed', (reason) => heard.carol.push(reason))

    const newInvite = await alice.thread.rotateInvite({ remove: [carol.did] })
    expect(newInvite).not.toBe(oldInvite)
    expect(inviteCreator(newInvite)).toBe(alice.did)
    expect(alice.thread.closedReason).toBe('moved')
    expect(current(alice).invite).toBe(newInvite)
    await waitFor(() => heard.bob.length === 1 && heard.carol.length === 1, {
      what: 'bob to move and carol to be removed',
    })
    expect(heard).toEqual({ bob: [newInvite], carol: ['removed'] })
    expect(current(bob).invite).toBe(newInvite)
    expect(bob.thread.closedReason).toBe('moved')

    // What is said in the new room travels under keys carol does not hold.
    const newTopic = current(alice).topic
    const tapped = wiretap(hub, newTopic)
    const bobNow = new EventLog()
    bobNow.watch(current(bob))
    await waitFor(async () => (await current(alice).listMembers()).length === 2, {
      what: 'alice and bob in the new room',
    })
    await current(alice).post('only for bob now')
    await waitFor(() => bobNow.allTexts().includes('only for bob now'), { what: 'bob reads it' })
    await current(bob).post('agreed')
    const oldKeys = privateRoomKeys(inviteSecret(oldInvite), 'testspace')
    expect(tapped.length).toBeGreaterThan(0)
    for (const envelope of tapped) expect(await open(oldKeys, envelope)).toBeUndefined()
    // Carol comes back with the old link: an empty room, nothing of the new one.
    const back = await joinPeer(hub, { room: 'plans', invite: oldInvite })
    peers.push(back)
    await current(alice).post('still only for bob')
    await waitFor(() => bobNow.allTexts().includes('still only for bob'), { what: 'bob again' })
    expect(back.events.allTexts()).toEqual([])
    expect(await back.thread.listMembers()).toEqual([back.did])
  })

  it('only the creator moves a room: others are refused, and a rekey one of them sends is ignored', async () => {
    const hub = new MemoryHub()
    const [alice, bob, carol] = (await room(hub, 2)) as [TestPeer, TestPeer, TestPeer]
    await expect(bob.thread.rotateInvite()).rejects.toBeInstanceOf(UnsupportedOperationError)
    await expect(bob.thread.rotateInvite()).rejects.toThrow(/Only the room's creator/)
    await expect(
      alice.thread.rotateInvite({ remove: ['did:key:z6MkNobody'] }),
    ).rejects.toBeInstanceOf(NotAMemberError)
    // Mallory, a member, forges a move that keeps only herself and carol: signed by her.
    const seed = generateSeed()
    const mallory = await joinPeer(hub, { room: 'plans', invite: alice.thread.invite, seed })
    peers.push(mallory)
    const signer = await createSeedIdentity(seed).signerForSpace('testspace')
    const { eph, boxes } = boxSecret(new Uint8Array(32).fill(1), [carol.did], 'forgedrotation000')
    const claims = { type: 'rekey' as const, room: bob.thread.topic, rotation: 'forgedrotation000' }
    const { jwt } = await signClaims(
      signer,
      { ...claims, part: 1, parts: 1, eph, boxes },
      Date.now(),
    )
    const keys = privateRoomKeys(inviteSecret(alice.thread.invite as string), 'testspace')
    await new SealedTransport(mallory.transport, keys).publish(keys.topic, encodeUtf8(jwt))
    await bob.thread.post('after the forged move')
    await waitFor(() => carol.events.allTexts().includes('after the forged move'), {
      what: 'carol still in the room',
    })
    expect([alice.thread.isOpen, carol.thread.isOpen, carol.thread.successor]).toEqual([
      true,
      true,
      undefined,
    ])
    // A public room has no invite to rotate.
    const pub = await joinPeer(hub, { room: 'open' })
    peers.push(pub)
    await expect(pub.thread.rotateInvite()).rejects.toThrow(/public room has no invite/)
  })

  it('the creator rotates on its schedule, keeping everyone: the room goes on under a new key', async () => {
    const hub = new MemoryHub()
    const [alice, bob] = (await room(hub, 1, { privateRotationMs: 400 })) as [TestPeer, TestPeer]
    const first = alice.thread.invite
    await waitFor(() => current(alice).invite !== first && current(bob).invite !== first, {
      what: 'a scheduled rotation',
    })
    expect(current(bob).invite).toBe(current(alice).invite)
    const bobNow = new EventLog()
    bobNow.watch(current(bob))
    await waitFor(async () => (await current(alice).listMembers()).length === 2, {
      what: 'both in the new room',
    })
    await current(alice).post('after the scheduled move')
    await waitFor(() => bobNow.allTexts().includes('after the scheduled move'), {
      what: 'bob reads it there',
    })
  })
})

describe('members who were not there when the room moved (room-forwarder.ts)', () => {
  /** `peer` comes back to the room of `invite` (an old link), as the same DID. */
  async function comeBack(peer: TestPeer, invite: string): Promise<GhostThread> {
    const space = await peer.ghost.openSpace('testspace')
    return space.joinThread('plans', { ghost: true, invite })
  }

  it('one away through two rotations comes back by the old link: the creator moves it on to the room now', async () => {
    const hub = new MemoryHub()
    const [alice, bob, carol] = (await room(hub, 2)) as [TestPeer, TestPeer, TestPeer]
    const first = alice.thread.invite as string
    await carol.thread.close()
    await current(alice).rotateInvite()
    const now = await current(alice).rotateInvite()
    await waitFor(() => current(bob).invite === now, { what: 'bob in the room now' })

    const back = await comeBack(carol, first)
    const moves: string[] = []
    back.on('moved', (invite) => moves.push(invite))
    await waitFor(() => back.successor !== undefined, { what: "carol's thread to move on" })
    // Straight to the room now, not through the one between.
    expect(moves).toEqual([now])
    expect(back.closedReason).toBe('moved')
    const there = back.successor as GhostThread
    expect(there.invite).toBe(now)
    const heard = new EventLog()
    heard.watch(current(bob))
    await waitFor(async () => (await there.listMembers()).length === 3, {
      what: 'carol to list alice and bob there',
    })
    await there.post('back from lunch')
    await waitFor(() => heard.allTexts().includes('back from lunch'), { what: 'bob reads her' })
  })

  it('one the creator removed, coming back by the old link, is told it was removed and gets no key', async () => {
    const hub = new MemoryHub()
    const [alice, , dave] = (await room(hub, 2)) as [TestPeer, TestPeer, TestPeer]
    const first = alice.thread.invite as string
    await dave.thread.close()
    // Removed while away: the creator names a member it saw (rotate refuses strangers), so
    // Dave is removed first and then comes back.
    const again = await comeBack(dave, first)
    await waitFor(async () => (await current(alice).listMembers()).length === 3, {
      what: 'alice to see dave again',
    })
    const now = await current(alice).rotateInvite({ remove: [dave.did] })
    await waitFor(() => again.closedReason === 'removed', { what: 'dave told he was removed' })

    const later = await comeBack(dave, first)
    await waitFor(() => later.closedReason === 'removed', {
      what: 'dave, back by the old link, told again',
    })
    expect(later.successor).toBeUndefined()
    expect(again.successor).toBeUndefined()
    expect(current(alice).invite).toBe(now)
  })

  it('a removal holds against old links whatever DID comes with them: nobody is let on from an older room', async () => {
    const hub = new MemoryHub()
    const [alice, bob, xavier] = (await room(hub, 2)) as [TestPeer, TestPeer, TestPeer]
    const link0 = alice.thread.invite as string
    const link1 = await current(alice).rotateInvite()
    await waitFor(() => current(xavier).invite === link1, { what: 'xavier in the second room' })
    await waitFor(async () => (await current(alice).listMembers()).length === 3, {
      what: 'alice to see all three there',
    })
    await current(alice).rotateInvite({ remove: [xavier.did] })
    await waitFor(() => current(xavier).closedReason === 'removed', { what: 'xavier removed' })

    // Xavier comes back as a new DID with the link he had: told, not let on.
    const fromLink1 = await joinPeer(hub, { room: 'plans', invite: link1 })
    peers.push(fromLink1)
    await waitFor(() => fromLink1.thread.closedReason === 'removed', {
      what: 'the new DID on the removal room told it was not sent the link',
    })
    expect(fromLink1.thread.successor).toBeUndefined()
    // And with the older link: that room's answering ended with the removal.
    const fromLink0 = await joinPeer(hub, { room: 'plans', invite: link0 })
    peers.push(fromLink0)
    const tapped = wiretap(hub, privateRoomKeys(inviteSecret(link0), 'testspace').topic)
    await waitFor(() => tapped.length >= 8, { what: 'its presences in the oldest room' })
    expect(fromLink0.thread.successor).toBeUndefined()
    expect(fromLink0.thread.isOpen).toBe(true)
    expect(await current(bob).listMembers()).toHaveLength(2)
  })

  it('a rotation as a member arrives does not leave it out, but one that names it removed tells it at once', async () => {
    const hub = new MemoryHub()
    // Every member is "just arrived" for a minute: no rotation without its box leaves it out.
    const timings = { rekeyGraceMs: 60_000 }
    const [alice, bob, carol] = (await room(hub, 2, timings)) as [TestPeer, TestPeer, TestPeer]
    const now = await alice.thread.rotateInvite({ remove: [carol.did] })
    await waitFor(() => carol.thread.closedReason === 'removed', {
      what: 'carol, named in the rekey, removed within her grace',
    })
    await waitFor(() => current(bob).invite === now, { what: 'bob moved' })
    // Dan comes by the old link after that removal, also within his grace: the creator,
    // which kept only bob there, names him removed at once (room-forwarder.ts).
    const dan = await joinPeer(hub, { room: 'plans', invite: alice.thread.invite, timings })
    peers.push(dan)
    await waitFor(() => dan.thread.closedReason === 'removed', {
      what: 'dan, not kept by a removal rotation, told so by the forwarder',
    })
  })

  it('nobody moves anyone on once the creator left the room: an old link leads to an empty room', async () => {
    const hub = new MemoryHub()
    const [alice, bob, carol] = (await room(hub, 2)) as [TestPeer, TestPeer, TestPeer]
    const first = alice.thread.invite as string
    await carol.thread.close()
    await current(alice).rotateInvite()
    await waitFor(() => current(bob).invite !== first, { what: 'bob moved' })
    await current(alice).close()

    const back = await comeBack(carol, first)
    // Carol beats in the old room, the grace and several heartbeats long: nobody answers.
    const keys = privateRoomKeys(inviteSecret(first), 'testspace')
    const tapped = wiretap(hub, keys.topic)
    await waitFor(() => tapped.length >= 8, { what: "carol's presences in the old room" })
    expect(back.successor).toBeUndefined()
    expect(back.isOpen).toBe(true)
    expect(await back.listMembers()).toEqual([carol.did])
  })
})
