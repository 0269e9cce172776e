import { afterEach, describe, expect, it } from '@jest/globals'
import { isReactionEmoji } from '../../src/core/emoji.js'
import {
  InvalidArgumentError,
  MemoryHub,
  type Post,
  TYPING_REPEAT_MS,
  TYPING_SHOWN_MS,
} from '../../src/core/index.js'
import type { PostReactions } from '../../src/core/post-reactions.js'
import { closeAll, joinPeer, type TestPeer } from '../helpers/room.js'
import { waitFor } from '../helpers/wait.js'

let peers: TestPeer[] = []
afterEach(async () => {
  await closeAll(peers)
  peers = []
})

async function room(size: number): Promise<[MemoryHub, ...TestPeer[]]> {
  const hub = new MemoryHub()
  const members: TestPeer[] = []
  for (let i = 0; i < size; i++) members.push(await joinPeer(hub))
  peers.push(...members)
  await waitFor(
    () => members.every((m) => members.every((o) => o === m || m.events.joined.includes(o.did))),
    { what: 'everyone to see everyone' },
  )
  return [hub, ...members]
}

function reactionsSeen(peer: TestPeer): Map<string, PostReactions> {
  const seen = new Map<string, PostReactions>()
  peer.thread.on('reactions', (postId, reactions) => seen.set(postId, reactions))
  return seen
}

describe('typing', () => {
  it('tells the others who types, once per few seconds, and ends by itself', async () => {
    const [, alice, bob] = (await room(2)) as [MemoryHub, TestPeer, TestPeer]
    const heard: [string, boolean][] = []
    bob.thread.on('typing', (did, typing) => heard.push([did, typing]))
    expect(await alice.thread.typing()).toBe(true)
    // A keystroke a moment later sends nothing: one signal per TYPING_REPEAT_MS.
    expect(await alice.thread.typing()).toBe(false)
    await waitFor(() => heard.length === 1, { what: 'bob to hear alice typing' })
    expect(heard[0]).toEqual([alice.did, true])
    expect(bob.thread.typingNow()).toEqual([alice.did])
    await waitFor(() => heard.length === 2, {
      timeoutMs: TYPING_SHOWN_MS + 3_000,
      what: 'the typing to end by itself',
    })
    expect(heard[1]).toEqual([alice.did, false])
    expect(bob.thread.typingNow()).toEqual([])
    expect(TYPING_SHOWN_MS).toBeGreaterThan(2 * TYPING_REPEAT_MS)
  }, 20_000)

  it('ends when the member posts, and lets us type again at once after our own post', async () => {
    const [, alice, bob] = (await room(2)) as [MemoryHub, TestPeer, TestPeer]
    const heard: [string, boolean][] = []
    bob.thread.on('typing', (did, typing) => heard.push([did, typing]))
    expect(await alice.thread.typing()).toBe(true)
    await waitFor(() => heard.length === 1, { what: 'the typing' })
    await alice.thread.post('done typing')
    await waitFor(() => heard.length === 2, { what: 'the post to end it' })
    expect(heard[1]).toEqual([alice.did, false])
    expect(await alice.thread.typing()).toBe(true)
  })

  it('goes quiet while several others type: a crowd costs the room a few signals', async () => {
    const [, ...members] = await room(5)
    const [last, ...typists] = members.reverse() as TestPeer[]
    for (const typist of typists.slice(0, 3)) expect(await typist.thread.typing()).toBe(true)
    await waitFor(() => last?.thread.typingNow().length === 3, { what: 'three typing' })
    expect(await last?.thread.typing()).toBe(false)
  })

  it('stays quiet with nobody to hear it', async () => {
    const [, alone] = (await room(1)) as [MemoryHub, TestPeer]
    expect(await alone.thread.typing()).toBe(false)
  })
})

describe('reactions', () => {
  it('counts each emoji per post and names who gave it; taking one back counts down', async () => {
    const [, alice, bob] = (await room(2)) as [MemoryHub, TestPeer, TestPeer]
    const atAlice = reactionsSeen(alice)
    const atBob = reactionsSeen(bob)
    const postId = await alice.thread.post('react to me')
    await waitFor(() => bob.events.texts().includes('react to me'), { what: 'the post' })
    await bob.thread.react(postId, '👍')
    await waitFor(() => atAlice.get(postId)?.[0]?.count === 1, { what: 'alice to see 👍 1' })
    expect(atAlice.get(postId)).toEqual([{ emoji: '👍', count: 1, dids: [bob.did] }])
    await alice.thread.react(postId, '👍')
    await alice.thread.react(postId, '🎉')
    await waitFor(() => atBob.get(postId)?.length === 2, { what: 'bob to see both emoji' })
    // The viewer comes first among the reactors it is one of.
    expect(bob.thread.reactionsOf(postId)).toEqual([
      { emoji: '👍', count: 2, dids: [bob.did, alice.did] },
      { emoji: '🎉', count: 1, dids: [alice.did] },
    ])
    await bob.thread.unreact(postId, '👍')
    await waitFor(() => atAlice.get(postId)?.[0]?.count === 1, { what: 'the count to go down' })
    expect(alice.thread.reactionsOf(postId)).toEqual([
      { emoji: '👍', count: 1, dids: [alice.did] },
      { emoji: '🎉', count: 1, dids: [alice.did] },
    ])
  })

  it('refuses what is not one emoji on a post id, by name, and keeps the counts', async () => {
    const [, alice] = (await room(1)) as [MemoryHub, TestPeer]
    const postId = await alice.thread.post('x')
    await alice.thread.react(postId, '❤️')
    for (const emoji of ['', 'lol', '👍👍', '👍 ', 'a'.repeat(40), 7, null])
      await expect(alice.thread.react(postId, emoji as string)).rejects.toThrow(
        InvalidArgumentError,
      )
    await expect(alice.thread.react('not-a-post', '👍')).rejects.toThrow(/by its postId/)
    expect(alice.thread.reactionsOf(postId)).toEqual([{ emoji: '❤️', count: 1, dids: [alice.did] }])
  })

  it('hands a late joiner the counts with the backlog', async () => {
    const [hub, alice, bob] = (await room(2)) as [MemoryHub, TestPeer, TestPeer]
    const postId = await alice.thread.post('before carol')
    await waitFor(() => bob.events.texts().includes('before carol'), { what: 'the post' })
    await bob.thread.react(postId, '🔥')
    await alice.thread.react(postId, '🔥')
    await waitFor(() => alice.thread.reactionsOf(postId)[0]?.count === 2, { what: 'both' })
    const carol = await joinPeer(hub)
    peers.push(carol)
    await waitFor(() => carol.thread.reactionsOf(postId)[0]?.count === 2, {
      what: 'carol to get the counts with the backlog',
    })
    expect(new Set(carol.thread.reactionsOf(postId)[0]?.dids)).toEqual(
      new Set([alice.did, bob.did]),
    )
    expect(carol.events.backlogs.flat().map((p: Post) => p.postId)).toContain(postId)
  })
})

describe('seen by', () => {
  it('counts the members whose newest seen post is at or past a post', async () => {
    const [, alice, bob] = (await room(3)) as [MemoryHub, TestPeer, TestPeer, TestPeer]
    const first = await alice.thread.post('first')
    const post = (await alice.thread.getPosts()).find((p) => p.postId === first) as Post
    await waitFor(() => alice.thread.seenBy(post) === 2, {
      timeoutMs: 8_000,
      what: 'bob and carol to say they saw it',
    })
    // At bob: carol's mark counts, his own and the author's never do.
    await waitFor(() => bob.thread.seenBy(post) >= 1, { what: "carol's mark at bob" })
    const heldByBob = (await bob.thread.getPosts()).find((p) => p.postId === first) as Post
    expect(bob.thread.seenBy(heldByBob)).toBe(1)
  }, 15_000)
})

describe('member count', () => {
  it('is told in one event per moment of changes, and matches memberCount()', async () => {
    const [hub, alice] = (await room(1)) as [MemoryHub, TestPeer]
    const counts: number[] = []
    alice.thread.on('members', (count) => counts.push(count))
    const joiners = await Promise.all([joinPeer(hub), joinPeer(hub), joinPeer(hub)])
    peers.push(...joiners)
    await waitFor(() => counts.at(-1) === 4, { what: 'the count of four' })
    expect(await alice.thread.memberCount()).toBe(4)
    // Batched: three joins in one moment are not three events.
    expect(counts.length).toBeLessThan(3)
    await joiners[0]?.ghost.stop()
    await waitFor(() => counts.at(-1) === 3, { what: 'the count to go down' })
  })
})

describe('emoji', () => {
  it('takes one emoji as people type them, never text', () => {
    for (const ok of ['👍', '👍🏽', '❤️', '👩‍👩‍👧', '🇫🇷', '1️⃣', '🏳️‍🌈'])
      expect([ok, isReactionEmoji(ok)]).toEqual([ok, true])
    for (const bad of ['', 'a', ':)', '👍👍', '1', '#', '👍a', ' 👍', '\u200d'])
      expect([bad, isReactionEmoji(bad)]).toEqual([bad, false])
  })
})
