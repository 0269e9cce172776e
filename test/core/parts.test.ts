import { createHash } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { base32 } from 'multiformats/bases/base32'
import { answerFrom } from '../../src/core/backlog-server.js'
import { ByteBudget } from '../../src/core/byte-budget.js'
import {
  MAX_PEERS_PER_DID,
  MAX_PRESENCE_TTL_S,
  MEMBERS_BEFORE_JOIN_MS,
  RELAY_BACKLOG_POSTS,
} from '../../src/core/constants.js'
import { MemoryHub, PeerUnreachableError, type Post, postIdOf } from '../../src/core/index.js'
import { MemberRegistry } from '../../src/core/members.js'
import { nextHeartbeat, ttlFor } from '../../src/core/presence-pacing.js'
import { RateLimiter } from '../../src/core/rate-limit.js'
import type { VerifiedMessage } from '../../src/core/receipt-rules.js'
import { RecentPosts } from '../../src/core/recent-posts.js'
import { RoomRoster } from '../../src/core/room-roster.js'
import type { Claims } from '../../src/core/schema.js'
import { ThreadCatchUp } from '../../src/core/thread-catch-up.js'
import { DEFAULT_TIMINGS } from '../../src/core/thread-timings.js'
import { TimerSet } from '../../src/core/timer-set.js'
import { claims, edKey, ROOM, type TestKey } from '../helpers/jwt-forge.js'
import { sleep } from '../helpers/wait.js'

const NOW = 1_700_000_000_000

function post(id: string, timestamp: number, extra: Partial<Post> = {}): Post {
  return { type: 'chat', author: 'did:key:zTest', message: id, timestamp, postId: id, ...extra }
}

describe('MemberRegistry: peers per DID', () => {
  it('lists one DID on at most MAX_PEERS_PER_DID peers; a new one replaces the one heard from longest ago', () => {
    const registry = new MemberRegistry('did:key:zOwn', 'own-peer')
    const claimOn = (peer: string) => ({
      did: 'did:key:zMany',
      peer,
      ttlMs: 60_000,
      relays: [],
      jwt: `jwt-${peer}`,
    })
    for (let i = 0; i < MAX_PEERS_PER_DID + 5; i++) registry.seen(claimOn(`peer-${i}`), NOW + i)
    const peers = registry.peersOf('did:key:zMany')
    expect(peers).toHaveLength(MAX_PEERS_PER_DID)
    expect(peers.map((route) => route.peer)).toEqual(
      Array.from({ length: MAX_PEERS_PER_DID }, (_, i) => `peer-${i + 5}`),
    )
    expect(registry.presenceJwts()).toHaveLength(MAX_PEERS_PER_DID)
  })
})

describe('RecentPosts', () => {
  it('keeps the newest `limit` posts oldest first, and an old arrival finds its place', () => {
    const backlog = new RecentPosts(3)
    const t = NOW / 1000
    for (const [id, at] of [
      ['b', t - 20],
      ['c', t - 10],
      ['d', t - 5],
    ] as const) {
      expect(backlog.add({ post: post(id, at), jwt: id }, NOW)).toBe(true)
    }
    expect(backlog.add({ post: post('a', t - 30), jwt: 'a' }, NOW)).toBe(false) // older than all, and full
    expect(backlog.add({ post: post('c2', t - 10), jwt: 'c2' }, NOW)).toBe(true) // same second as c: after it
    expect(backlog.recent(NOW).map((p) => p.postId)).toEqual(['c', 'c2', 'd'])
    expect(backlog.recent(NOW, 1).map((p) => p.postId)).toEqual(['d'])
    expect(backlog.has('b')).toBe(false)
    expect(backlog.add({ post: post('d', t - 5), jwt: 'd' }, NOW)).toBe(false) // known already
  })

  it('places posts of one second in the order of the answer that brought them, over arrival', () => {
    const store = new RecentPosts(10)
    const t = NOW / 1000
    // m2..m5 came live first; the answer [m1..m5] brings m1, which goes before m2.
    for (const id of ['m2', 'm3', 'm4', 'm5']) store.add({ post: post(id, t), jwt: id }, NOW)
    expect(store.add({ post: post('m1', t), jwt: 'm1' }, NOW, { before: 'm2' })).toBe(true)
    // A post the answer placed after a held one goes right after it.
    expect(
      store.add({ post: post('m3b', t), jwt: 'm3b' }, NOW, { after: 'm3', before: 'm4' }),
    ).toBe(true)
    expect(store.recent(NOW).map((p) => p.postId)).toEqual(['m1', 'm2', 'm3', 'm3b', 'm4', 'm5'])
    // A neighbour of another second does not move it out of its own second.
    expect(
      store.add({ post: post('later', t + 1), jwt: 'later' }, NOW + 1000, { before: 'm1' }),
    ).toBe(true)
    expect(store.recent(NOW + 1000).at(-1)?.postId).toBe('later')
    // Full: the answer's oldest, placed first, is not kept.
    const small = new RecentPosts(2)
    for (const id of ['m4', 'm5']) small.add({ post: post(id, t), jwt: id }, NOW)
    expect(small.add({ post: post('m3', t), jwt: 'm3' }, NOW, { before: 'm4' })).toBe(false)
    expect(small.recent(NOW).map((p) => p.postId)).toEqual(['m4', 'm5'])
  })

  it('forgets posts older than 12 hours and refuses to take them', () => {
    const backlog = new RecentPosts(10)
    const t = NOW / 1000
    backlog.add({ post: post('old', t - 11 * 3600), jwt: 'old' }, NOW)
    expect(backlog.add({ post: post('ancient', t - 13 * 3600), jwt: 'ancient' }, NOW)).toBe(false)
    expect(backlog.recent(NOW + 2 * 3600 * 1000)).toEqual([])
    expect(backlog.size).toBe(0)
  })

  it('refuses direct messages outright', () => {
    expect(() =>
      new RecentPosts(3).add(
        { post: post('dm', NOW / 1000, { to: 'did:key:zBob' }), jwt: 'dm' },
        NOW,
      ),
    ).toThrow(/never enter the backlog/)
  })
})

describe('MemberRegistry', () => {
  const registry = (capacity?: number) => new MemberRegistry('did:key:zMe', 'peer-me', { capacity })
  const claim = (did: string, peer: string, jwt = 'jwt', ttlMs = 1_000, relays = ['relay-a']) => ({
    did,
    peer,
    relays,
    ttlMs,
    jwt,
  })

  it('lists our own DID first and never reports it joining or leaving', () => {
    const members = registry()
    expect(members.list()).toEqual(['did:key:zMe'])
    expect(members.seen(claim('did:key:zMe', 'peer-other'), NOW)).toBe(false)
    expect(members.seen(claim('did:key:zBob', 'peer-bob'), NOW)).toBe(true)
    expect(members.list()).toEqual(['did:key:zMe', 'did:key:zBob'])
    expect(members.size).toBe(1)
    expect(members.removePeer('did:key:zMe', 'peer-other', NOW)).toBe(false)
  })

  it('ignores records that claim our own peer', () => {
    const members = registry()
    expect(members.seen(claim('did:key:zSpoof', 'peer-me'), NOW)).toBe(false)
    expect(members.isMember('did:key:zSpoof')).toBe(false)
  })

  it("expires each peer on its own claim's ttl and refuses presences signed before a departure", () => {
    const members = registry()
    members.seen(claim('did:key:zBob', 'peer-bob', 'jwt', 1_000), NOW)
    members.seen(claim('did:key:zCarol', 'peer-carol', 'jwt', 10_000), NOW)
    expect(members.expire(NOW + 500)).toEqual([])
    expect(members.expire(NOW + 1_500)).toEqual(['did:key:zBob'])
    expect(members.isMember('did:key:zCarol')).toBe(true)
    expect(members.seen(claim('did:key:zBob', 'peer-bob'), NOW + 1_600, NOW + 1_000)).toBe(false)
    expect(members.seen(claim('did:key:zBob', 'peer-bob'), NOW + 1_600)).toBe(true) // a live join
    expect(members.presenceJwts()).toEqual(['jwt', 'jwt'])
    expect(members.expire(NOW + 2_000)).toEqual([])
    expect(members.expire(NOW + 10_500)).toEqual(['did:key:zCarol', 'did:key:zBob'])
  })

  it('removes a peer from every DID it hosted, and keeps the relays each peer named', () => {
    const members = registry()
    members.seen(claim('did:key:zA', 'peer-x', 'a'), NOW)
    members.seen(claim('did:key:zB', 'peer-x', 'b'), NOW)
    members.seen(claim('did:key:zB', 'peer-y', 'b2', 1_000, ['relay-b']), NOW)
    expect(members.removePeerEverywhere('peer-x', NOW)).toEqual(['did:key:zA'])
    expect(members.peersOf('did:key:zB')).toEqual([{ peer: 'peer-y', relays: ['relay-b'] }])
    expect(members.remotePeers()).toEqual([{ peer: 'peer-y', relays: ['relay-b'] }])
  })

  it('takes no new DID once full, and room again after one leaves', () => {
    const members = registry(2)
    expect(members.seen(claim('did:key:zA', 'peer-a'), NOW)).toBe(true)
    expect(members.seen(claim('did:key:zB', 'peer-b'), NOW)).toBe(true)
    expect(members.seen(claim('did:key:zC', 'peer-c'), NOW)).toBe(false)
    expect(members.isMember('did:key:zC')).toBe(false)
    // A known member's other peer is still taken.
    expect(members.seen(claim('did:key:zA', 'peer-a2'), NOW)).toBe(false)
    expect(members.peersOf('did:key:zA')).toHaveLength(2)
    members.removePeerEverywhere('peer-b', NOW)
    expect(members.seen(claim('did:key:zC', 'peer-c'), NOW)).toBe(true)
  })
  it("lists live newcomers within the room's budget; known members and answers are not counted", () => {
    let now = NOW
    const members = new MemberRegistry('did:key:zMe', 'peer-me', {
      newcomerRate: { burst: 2, perSecond: 1 },
      now: () => now,
    })
    const iatS = NOW / 1000
    expect(members.heard(claim('did:key:zA', 'peer-a'), iatS, 'join', now)).toBe(true)
    expect(members.heard(claim('did:key:zB', 'peer-b'), iatS, 'presence', now)).toBe(true)
    // Spent: a third newcomer is not listed, and no user-joined.
    expect(members.heard(claim('did:key:zC', 'peer-c'), iatS, 'join', now)).toBe(false)
    expect(members.isMember('did:key:zC')).toBe(false)
    // A listed member's presence still counts (it keeps A online), and takes nothing.
    expect(members.heard(claim('did:key:zA', 'peer-a2'), iatS, 'presence', now)).toBe(false)
    expect(members.peersOf('did:key:zA')).toHaveLength(2)
    // A backlog answer is bounded by itself: its members are listed whatever the budget.
    expect(members.heard(claim('did:key:zD', 'peer-d', 'jwt', 60_000), iatS, 'answer', now)).toBe(
      true,
    )
    // A second later there is room for one more: C's next presence lists it.
    now += 1_000
    expect(members.heard(claim('did:key:zC', 'peer-c'), iatS + 1, 'presence', now)).toBe(true)
  })

  it("holds a follow-up answer's newcomers to the budget; a join's member list is not", () => {
    const now = NOW
    const members = new MemberRegistry('did:key:zMe', 'peer-me', {
      newcomerRate: { burst: 1, perSecond: 1 },
      now: () => now,
    })
    const iatS = NOW / 1000
    const listed = (did: string, came: 'answer' | 'follow-up') =>
      members.heard(claim(did, `peer-${did}`, 'jwt', 60_000), iatS, came, now)
    // The first answer lists everyone it holds.
    expect(['did:key:zA', 'did:key:zB', 'did:key:zC'].map((did) => listed(did, 'answer'))).toEqual([
      true,
      true,
      true,
    ])
    // A run-out claim in a follow-up is left for its next beat and takes no place...
    expect(members.heard(claim('did:key:zF', 'peer-f', 'jwt', 0), iatS, 'follow-up', now)).toBe(
      false,
    )
    // ...so the budget still has its one place: a follow-up spends it like a live join.
    expect(listed('did:key:zD', 'follow-up')).toBe(true)
    expect(listed('did:key:zE', 'follow-up')).toBe(false)
    expect(members.isMember('did:key:zE')).toBe(false)
    // A listed member in a follow-up takes nothing and stays listed.
    expect(
      members.heard(claim('did:key:zA', 'peer-a2', 'jwt', 60_000), iatS, 'follow-up', now),
    ).toBe(false)
    expect(members.peersOf('did:key:zA')).toHaveLength(2)
  })
})

describe('RateLimiter', () => {
  it('allows a burst, then refills at the sustained rate, per key', () => {
    let now = NOW
    const limiter = new RateLimiter({ burst: 2, perSecond: 4 }, () => now)
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, false])
    expect(limiter.take('b')).toBe(true)
    now += 250
    expect([limiter.take('a'), limiter.take('a')]).toEqual([true, false])
  })

  it('holds a bounded number of keys', () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 0 }, () => NOW, 2)
    limiter.take('a')
    limiter.take('b')
    limiter.take('c')
    limiter.take('d')
    expect(limiter.take('a')).toBe(true) // forgotten, so it starts again with a full bucket
  })
})

describe('postIdOf', () => {
  it('is the CIDv1 (dag-cbor, sha2-256, base32) of the JWT string', async () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.e30.sig'
    // Built by hand: dag-cbor of a text string of 24–255 bytes is 0x78, the length, the UTF-8 bytes.
    const cbor = Buffer.concat([Buffer.from([0x78, jwt.length]), Buffer.from(jwt)])
    const digest = createHash('sha256').update(cbor).digest()
    const cid = Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), digest]) // v1, dag-cbor, sha2-256, 32 bytes
    expect(await postIdOf(jwt)).toBe(base32.encode(cid))
    expect(await postIdOf(jwt)).toMatch(/^bafyrei/)
  })
})

describe('MemoryHub', () => {
  it('fails requests to unknown peers, unhandled protocols and after a deadline', async () => {
    const hub = new MemoryHub()
    const a = hub.createTransport()
    const b = hub.createTransport()
    await expect(a.request('nobody', '/p', new Uint8Array())).rejects.toThrow(PeerUnreachableError)
    await expect(a.request(b.peerId, '/p', new Uint8Array())).rejects.toThrow(/does not answer \/p/)
    b.handle('/slow', () => new Promise(() => {}))
    await expect(
      a.request(b.peerId, '/slow', new Uint8Array(), { signal: AbortSignal.timeout(20) }),
    ).rejects.toThrow(/did not answer in time/)
    expect(() => hub.createTransport(a.peerId)).toThrow(/exists already/)
  })

  it('tells subscribers when a peer joins and leaves a topic, and refuses use after disconnect', async () => {
    const hub = new MemoryHub()
    const a = hub.createTransport()
    const b = hub.createTransport()
    const changes: unknown[] = []
    a.onSubscriptionChange((change) => changes.push(change))
    b.subscribe('t', async () => 'accept')
    // Like gossipsub, a peer learns others' subscriptions whether or not it subscribes itself.
    expect(a.subscribers('t')).toEqual([b.peerId])
    hub.disconnect(b.peerId)
    expect(changes).toEqual([
      { topic: 't', peerId: b.peerId, subscribed: true },
      { topic: 't', peerId: b.peerId, subscribed: false },
    ])
    await expect(b.publish('t', new Uint8Array())).rejects.toThrow(PeerUnreachableError)
  })
})

describe('nextHeartbeat (presence pacing)', () => {
  const timings = DEFAULT_TIMINGS

  it('beats every 20 s in a small room and paces a crowd to about one presence a second', () => {
    expect(nextHeartbeat(timings, 2, () => 1).intervalMs).toBe(20_000)
    expect(nextHeartbeat(timings, 150, () => 1).intervalMs).toBe(150_000)
    // The longest interval holds however large the room is.
    expect(nextHeartbeat(timings, 5_000, () => 1).intervalMs).toBe(300_000)
  })

  it('jumps to the room’s pace at once, and each presence’s ttl covers the wait for the next', () => {
    // A newcomer that has just learned it is in a 300-member room does not ramp up.
    const beat = nextHeartbeat(timings, 300, Math.random)
    expect(beat.intervalMs).toBe(300_000)
    expect(beat.delayMs).toBeLessThanOrEqual(beat.intervalMs)
    expect(beat.delayMs).toBeGreaterThanOrEqual(0.9 * beat.intervalMs)
    expect(beat.ttlS * 1000).toBeGreaterThan(beat.delayMs * 2)
    expect(beat.ttlS).toBe(ttlFor(timings, 300_000))
    expect(beat.ttlS).toBeLessThanOrEqual(MAX_PRESENCE_TTL_S)
    // A small room's presence holds as long as v1's member expiry.
    expect(ttlFor(timings, 20_000)).toBe(timings.memberExpiryMs / 1000)
  })
})

describe("RoomRoster (a relay's view of one room)", () => {
  const key = edKey()
  const verified = (
    type: string,
    extra: Record<string, unknown> = {},
    jwt = `jwt-${type}-${Math.random()}`,
  ) => ({
    jwt,
    claims: claims(key, type, ROOM, extra, NOW) as unknown as Claims,
  })
  const request = (extra: Record<string, unknown> = {}) =>
    claims(key, 'request_backlog', ROOM, extra, NOW) as unknown as Extract<
      Claims,
      { type: 'request_backlog' }
    >

  it('shares one byte budget with the relay’s other rosters: no new entry past it, a known member’s newer claim still replaces its own, and a forgotten room gives its bytes back', () => {
    const budget = new ByteBudget(3 * 100)
    const [lobby, other] = [new RoomRoster(true, budget), new RoomRoster(true, budget)]
    const member = (room: RoomRoster, who: TestKey, peer: string, at = NOW) =>
      room.observe(
        {
          jwt: `${peer}`.padEnd(100, '.'),
          claims: claims(who, 'presence', ROOM, { peer }, at) as unknown as Claims,
        },
        at,
      )
    const [a, b, c, d] = [edKey(), edKey(), edKey(), edKey()]
    member(lobby, a, 'peer-a')
    member(lobby, b, 'peer-b')
    member(other, c, 'peer-c')
    expect(budget.used).toBe(300)
    member(other, d, 'peer-d') // no room left
    expect(other.size).toBe(1)
    member(lobby, a, 'peer-a', NOW + 1_000) // a's newer claim replaces its own
    expect(lobby.size).toBe(2)
    expect(budget.used).toBe(300)
    lobby.forget()
    expect(budget.used).toBe(100)
    member(other, d, 'peer-d')
    expect(other.size).toBe(2)
  })

  it('answers the presences and the newest RELAY_BACKLOG_POSTS posts, vouching for them only when it heard the room from its start', () => {
    const whole = new RoomRoster(true)
    const late = new RoomRoster(false)
    const join = verified('join')
    const posts = Array.from({ length: RELAY_BACKLOG_POSTS + 5 }, (_, i) =>
      verified('chat', {}, `post-${i}`),
    )
    for (const roster of [whole, late]) {
      roster.observe(join, NOW)
      for (const message of posts) roster.observe(message, NOW)
    }
    const newest = posts.slice(5).map((message) => message.jwt)
    const ask = request()
    expect(answerFrom(whole, ask, NOW)).toEqual({
      request: ask.jti,
      entries: [...newest, join.jwt],
      complete: true,
    })
    expect(answerFrom(late, ask, NOW).complete ?? false).toBe(false)
    expect(whole.relayed.bytes).toBe(newest.join('').length)
  })

  it('serves posts in the order they reached the relay, though their checks finish out of order', () => {
    const roster = new RoomRoster(true)
    const [one, two, three] = ['one', 'two', 'three'].map((text) => verified('chat', {}, text))
    roster.observe(one as VerifiedMessage, NOW, 1)
    roster.observe(three as VerifiedMessage, NOW, 3)
    roster.observe(two as VerifiedMessage, NOW, 2)
    const ask = request({ members: false })
    expect(answerFrom(roster, ask, NOW).entries).toEqual(['one', 'two', 'three'])
  })

  it('answers "who came since" with the presences and posts dated since, and `members: false` with posts only', () => {
    const roster = new RoomRoster(true)
    const earlier = {
      jwt: 'jwt-earlier-chat',
      claims: claims(key, 'chat', ROOM, {}, NOW - 10_000) as unknown as Claims,
    }
    const join = verified('join')
    const post = verified('chat')
    roster.observe(earlier, NOW)
    roster.observe(join, NOW)
    roster.observe(post, NOW)
    const since = request({ since: Math.floor(NOW / 1000) - 1 })
    // The post made before `since` is not news to a rejoining member: left out.
    expect(answerFrom(roster, since, NOW)).toEqual({
      request: since.jti,
      entries: [post.jwt, join.jwt],
    })
    const postsOnly = request({ members: false })
    expect(answerFrom(roster, postsOnly, NOW)).toEqual({
      request: postsOnly.jti,
      entries: [earlier.jwt, post.jwt],
      complete: true,
    })
  })

  it('keeps no direct message, and is no longer complete once its posts are evicted or cut to fit', () => {
    const roster = new RoomRoster(true)
    expect(roster.observe(verified('chat', { to: key.did }), NOW)).toBe(0)
    roster.observe(verified('chat'), NOW)
    expect(roster.relayed.evict()).toBeGreaterThan(0)
    const ask = request()
    expect(answerFrom(roster, ask, NOW)).toEqual({ request: ask.jti, entries: [] })

    // Presences fill the answer (4 MiB): the posts that do not fit make it incomplete.
    const crowded = new RoomRoster(true)
    for (let i = 0; i < 5; i++)
      crowded.observe(verified('join', { peer: `peer-${i}` }, 'p'.repeat(900 * 1024) + i), NOW)
    crowded.observe(verified('chat', {}, 'c'.repeat(900 * 1024)), NOW)
    const answer = answerFrom(crowded, request(), NOW)
    expect(answer.entries.every((entry) => entry.startsWith('p'))).toBe(true)
    expect(answer.complete ?? false).toBe(false)
  })
})

describe('ThreadCatchUp', () => {
  /** A catch-up whose relays answer with `complete`, recording whom it asked. */
  function catchUp(
    complete: boolean,
    relays = ['relay'],
    known = { members: true },
    random?: () => number,
  ) {
    const asked: string[] = []
    const timers = new RecordingTimers()
    // A transport with `relays` to ask.
    const transport = Object.assign(new MemoryHub().createTransport(), { routes: () => relays })
    const up = new ThreadCatchUp({
      topic: ROOM,
      transport,
      timings: { ...DEFAULT_TIMINGS, backlogGatherMs: 10 },
      timers,
      isClosed: () => false,
      hasMembers: () => known.members,
      now: () => Date.now(),
      fetch: async (servers) => {
        asked.push(servers.length > 0 ? 'relays' : 'a member')
        return { answered: 1, complete: servers.length > 0 && complete, asked: [] }
      },
      ...(random === undefined ? {} : { random }),
    })
    return { up, asked, timers }
  }

  /** A timer set that notes every wait it is given. */
  class RecordingTimers extends TimerSet {
    readonly waits: number[] = []
    override after(ms: number, fn: () => void): void {
      this.waits.push(ms)
      super.after(ms, fn)
    }
  }

  /** The waits of a join's two follow-up questions, drawn with `random`. */
  async function followUpWaits(random?: () => number): Promise<number[]> {
    const { up, timers } = catchUp(true, ['relay'], { members: true }, random)
    await up.beforeJoin()
    up.joined()
    await sleep(20)
    timers.stop()
    // The others: the join's own wait for the member list, and the posts' gathering.
    return timers.waits.filter((ms) => ms !== MEMBERS_BEFORE_JOIN_MS && ms > 100)
  }

  /** Whom a newcomer asks when its relay answers with `complete`, from its join on. */
  async function askedOnJoin(complete: boolean): Promise<string[]> {
    const { up, asked, timers } = catchUp(complete)
    await up.beforeJoin()
    up.joined()
    up.memberFound()
    await sleep(100)
    timers.stop()
    return asked
  }

  it('asks its follow-ups at 2 and 8 s after the join, each spread by a quarter either way', async () => {
    expect(await followUpWaits(() => 0.5)).toEqual([2_000, 8_000])
    expect(await followUpWaits(() => 0)).toEqual([1_500, 6_000])
    expect(await followUpWaits(() => 1)).toEqual([2_500, 10_000])
    // Members joining together do not ask their relay together.
    const firsts = await Promise.all(
      Array.from({ length: 20 }, async () => (await followUpWaits())[0] as number),
    )
    expect(new Set(firsts).size).toBeGreaterThan(15)
    for (const ms of firsts) {
      expect(ms).toBeGreaterThanOrEqual(1_500)
      expect(ms).toBeLessThanOrEqual(2_500)
    }
  })

  it('asks no member when a relay vouched that its posts are all of the room’s', async () => {
    expect(await askedOnJoin(true)).toEqual(['relays'])
  })

  it('asks one member for the posts when the relay could not vouch for them', async () => {
    expect(await askedOnJoin(false)).toEqual(['relays', 'a member'])
  })

  it('asks its relay once it serves the room, when the join went out before any relay was connected', async () => {
    const relays: string[] = []
    const known = { members: false }
    const { up, asked, timers } = catchUp(true, relays, known)
    await up.beforeJoin()
    up.joined()
    known.members = true
    up.serverAppeared('relay')
    expect(asked).toEqual([]) // not ours (yet): a member subscribing is no relay
    relays.push('relay')
    up.serverAppeared('relay')
    up.memberFound()
    await sleep(100)
    timers.stop()
    expect(asked).toEqual(['relays'])
  })
})
