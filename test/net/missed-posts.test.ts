/**
 * A member that was away (a frozen tab, a laptop asleep, a connection lost) catches up
 * from the relay process when it is back, and is told when more was said than the backlog
 * holds (issue 23). Away here: the member hangs up on its relay; back: it dials it again
 * and catches up, as it does on waking (the wake itself: missed-posts unit tests below).
 */
import { describe, expect, it, jest } from '@jest/globals'
import { WAKE_CHECK_MS, WAKE_LATE_MS } from '../../src/core/constants.js'
import type { MissedPosts } from '../../src/core/missed-posts.js'
import { gapAfter, watchForWake } from '../../src/core/missed-posts.js'
import type { Post } from '../../src/core/post.js'
import { TimerSet } from '../../src/core/timer-set.js'
import { type NetPeer, untilMet } from '../helpers/net-peer.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { sleep, waitFor } from '../helpers/wait.js'

const GOSSIP_MEMORY_MS = 6_000

/** Posts, waiting for the member's posting budget (18 a second) when it ran out. */
async function postWithin(peer: NetPeer, text: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await peer.thread.post(text)
      return
    } catch (err) {
      if ((err as Error).name !== 'RateLimitedError') throw err
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`could not post "${text}" within the rate limit`)
}

/** Bob goes away, Alice says `count` things, Bob comes back and catches up. */
async function awayWhile(alice: NetPeer, bob: NetPeer, away: { now: boolean }, count: number) {
  const missed: MissedPosts[] = []
  bob.thread.on('missed', (gap) => missed.push(gap))
  // Away: the relay is hung up on (a sleeping laptop's connections die), and no dial gets
  // through until Bob is back (libp2p redials a relay it holds a reservation on by itself).
  away.now = true
  await Promise.all(bob.node.libp2p.getConnections().map((connection) => connection.close()))
  await waitFor(() => alice.node.transport.subscribers(alice.thread.topic).length === 1, {
    what: 'bob gone from the relay',
  })
  const said = Array.from({ length: count }, (_, i) => `while away ${i}`)
  for (const text of said) await postWithin(alice, text)
  // Away longer than gossip remembers (gossipsub's message cache: 5 heartbeats of 1 s), or
  // its resend on Bob's return hands back what the relay's backlog no longer holds.
  await sleep(GOSSIP_MEMORY_MS)
  expect(bob.events.allTexts()).not.toContain(said[0])
  away.now = false
  bob.node.relays.redialNow()
  await waitFor(() => bob.node.relays.connected().length > 0, { what: 'bob back on the relay' })
  const backlogsBefore = bob.events.backlogs.length
  await bob.thread.reannounce()
  await waitFor(() => bob.events.backlogs.length > backlogsBefore, { what: "bob's catch-up" })
  return { missed, said, caughtUp: bob.events.backlogs.slice(backlogsBefore).flat() }
}

describe('a member back from being away, through the relay process', () => {
  // A relay vouches for a room's history only once it has carried it from the start: no
  // warm-up here, so the relay's answer is the whole catch-up (no member is asked).
  const net = useRelay({ args: ['--history-warmup-seconds', '0'] })

  it('gets what was said within the backlog, and no word of a gap', async () => {
    const alice = await net.join('away-short')
    const away = { now: false }
    const bob = await net.join('away-short', { allowPrivateAddresses: () => !away.now })
    await untilMet(alice, bob, { timeoutMs: 15_000 })
    await alice.thread.post('before')
    await waitFor(() => bob.events.texts().includes('before'))
    const { missed, said, caughtUp } = await awayWhile(alice, bob, away, 10)
    expect(caughtUp.map((post) => post.message)).toEqual(said)
    expect(missed).toEqual([])
  })

  it('is told when more was said than the backlog holds, and between which times', async () => {
    const alice = await net.join('away-long')
    const away = { now: false }
    const bob = await net.join('away-long', { allowPrivateAddresses: () => !away.now })
    await untilMet(alice, bob, { timeoutMs: 15_000 })
    await alice.thread.post('before')
    await waitFor(() => bob.events.texts().includes('before'))
    const before = bob.events.messages.find((post) => post.message === 'before') as Post
    // The relay keeps a room's newest 50 posts: 60 leave 10 it cannot give back.
    const { missed, said, caughtUp } = await awayWhile(alice, bob, away, 60)
    // The newest 50 came back (the newest few may come live, once Bob is subscribed again).
    await waitFor(() => said.slice(-50).every((text) => bob.events.allTexts().includes(text)), {
      what: 'the newest 50 at bob',
    })
    expect(missed).toEqual([{ after: before.timestamp, before: expect.any(Number) }])
    expect(missed[0]?.before).toBeGreaterThanOrEqual(before.timestamp)
    expect(missed[0]?.before).toBeLessThanOrEqual(caughtUp.at(-1)?.timestamp ?? 0)
  })
})

describe('missed-posts', () => {
  const post = (timestamp: number, postId = `p${timestamp}`): Post => ({
    type: 'chat',
    author: 'did:key:z6Mk',
    message: postId,
    timestamp,
    postId,
  })

  it('finds a gap only in a full answer of posts all newer than ours', () => {
    const answer = Array.from({ length: 50 }, (_, i) => post(200 + i))
    expect(gapAfter({ received: answer, kept: answer, posts: 50 }, 100, 50)).toEqual({
      after: 100,
      before: 200,
    })
    // Not full: the answer is everything since.
    expect(
      gapAfter({ received: answer.slice(10), kept: answer.slice(10), posts: 40 }, 100, 50),
    ).toBe(undefined)
    // Full, but it reaches back to a post we held: nothing between.
    expect(gapAfter({ received: answer, kept: answer.slice(1), posts: 50 }, 100, 50)).toBe(
      undefined,
    )
    // We held nothing: there is nothing to be missing after.
    expect(gapAfter({ received: answer, kept: answer, posts: 50 }, undefined, 50)).toBe(undefined)
  })

  it('wakes when the clock jumped past a check, not when a check is a little late', () => {
    jest.useFakeTimers()
    try {
      let nowMs = 0
      const woke: number[] = []
      const timers = new TimerSet()
      watchForWake({ timers, now: () => nowMs, onWake: () => woke.push(nowMs) })
      nowMs += WAKE_CHECK_MS + 2_000 // a busy machine
      jest.advanceTimersByTime(WAKE_CHECK_MS)
      expect(woke).toEqual([])
      nowMs += WAKE_CHECK_MS + WAKE_LATE_MS + 1_000 // asleep, the timer held back
      jest.advanceTimersByTime(WAKE_CHECK_MS)
      expect(woke).toEqual([nowMs])
      timers.stop()
    } finally {
      jest.useRealTimers()
    }
  })
})
