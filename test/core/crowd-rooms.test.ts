/**
 * Crowd rooms (issue 26), part by part: the digests a relay sends (roster-digest.ts), what
 * its answers list in a crowd (backlog-server.ts, room-roster.ts), when a room becomes
 * and ends being a crowd (relay/crowd-rooms.ts), and what a member takes from a digest
 * (thread-crowd.ts). The same through the real relay process: test/net/crowd.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { answerFrom } from '../../src/core/backlog-server.js'
import {
  CROWD_RETELL_MS,
  CROWD_SILENCE_MS,
  MAX_DIGEST_BYTES,
  MAX_DIGEST_GONE,
} from '../../src/core/constants.js'
import { MemberRegistry } from '../../src/core/members.js'
import { ReceiptRules } from '../../src/core/receipt-rules.js'
import { RoomRoster } from '../../src/core/room-roster.js'
import { DigestBatch, looksLikeDigest, readDigest } from '../../src/core/roster-digest.js'
import type { Claims } from '../../src/core/schema.js'
import { ThreadCrowd } from '../../src/core/thread-crowd.js'
import { ThreadMembership } from '../../src/core/thread-membership.js'
import { decodeUtf8 } from '../../src/core/utf8.js'
import { CrowdRooms } from '../../src/relay/crowd-rooms.js'
import { claims, edKey, forge, OTHER_ROOM, ROOM, type TestKey } from '../helpers/jwt-forge.js'

const NOW = 1_700_000_000_000
const PEER = (i: number) => `12D3KooWCrowdPeer${String(i).padStart(32, '0')}`

/** A member's signed claim of `type` (join, presence, leave) on its own peer. */
function memberJwt(key: TestKey, type: string, i: number, atMs = NOW): string {
  return forge(key, claims(key, type, ROOM, { peer: PEER(i) }, atMs))
}

function verified(jwt: string): { jwt: string; claims: Claims } {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'))
  return { jwt, claims: payload as Claims }
}

const parse = (data: Uint8Array) => JSON.parse(decodeUtf8(data) ?? '') as Record<string, unknown>

describe('DigestBatch and readDigest: the digest on the wire', () => {
  it('tells who came and who went once, a member that came and went within a tick as gone, nothing when nothing changed', () => {
    const batch = new DigestBatch()
    expect(batch.take(ROOM, 5, true)).toEqual([])
    const [a, b] = [edKey(), edKey()]
    batch.joined(a.did, 'jwt-a')
    batch.joined(b.did, 'jwt-b')
    batch.left(b.did)
    batch.left('did:key:zGone')
    const [digest, ...more] = batch.take(ROOM, 7, true)
    expect(more).toEqual([])
    expect(parse(digest as Uint8Array)).toEqual({
      digest: 1,
      room: ROOM,
      joined: ['jwt-a'],
      gone: [b.did, 'did:key:zGone'],
      members: 7,
      crowd: true,
    })
    expect(batch.take(ROOM, 7, true)).toEqual([])
    // A crowd that begins, ends or is reminded is told even with nothing new.
    expect(batch.take(ROOM, 7, false, true).map(parse)).toEqual([
      { digest: 1, room: ROOM, joined: [], gone: [], members: 7, crowd: false },
    ])
  })

  it('splits what does not fit one digest (bytes, or gone DIDs) into several, each one readable', () => {
    const batch = new DigestBatch()
    const key = edKey()
    const jwt = memberJwt(key, 'join', 1)
    for (let i = 0; i < 300; i++) batch.joined(`did:key:z${i}`, jwt)
    for (let i = 0; i < MAX_DIGEST_GONE + 10; i++)
      batch.left(`did:key:z6Mk${String(i).replace(/0/g, 'A').padStart(44, 'x')}`)
    const digests = batch.take(ROOM, 300, true)
    expect(digests.length).toBeGreaterThan(2)
    let joined = 0
    let gone = 0
    for (const data of digests) {
      expect(data.length).toBeLessThanOrEqual(MAX_DIGEST_BYTES)
      const digest = readDigest(data, ROOM)
      expect(digest).toBeDefined()
      joined += digest?.joined.length ?? 0
      gone += digest?.gone.length ?? 0
    }
    expect(joined).toBe(300)
    expect(gone).toBe(MAX_DIGEST_GONE + 10)
  })

  it('reads none of another room, malformed, oversized or with keys it does not know; a JWT is not a digest', () => {
    const [data] = new DigestBatch().take(ROOM, 3, true, true)
    expect(looksLikeDigest(data as Uint8Array)).toBe(true)
    expect(readDigest(data as Uint8Array, OTHER_ROOM)).toBeUndefined()
    const text = decodeUtf8(data as Uint8Array) ?? ''
    const encode = (value: string) => new TextEncoder().encode(value)
    expect(readDigest(encode(text.slice(0, -1)), ROOM)).toBeUndefined()
    expect(readDigest(encode(text.replace('"crowd"', '"extra":1,"crowd"')), ROOM)).toBeUndefined()
    expect(readDigest(encode(text.replace('"members":3', '"members":-1')), ROOM)).toBeUndefined()
    expect(readDigest(new Uint8Array(MAX_DIGEST_BYTES + 1).fill(0x7b), ROOM)).toBeUndefined()
    expect(looksLikeDigest(encode(memberJwt(edKey(), 'join', 1)))).toBe(false)
  })
})

describe("a relay's crowd room: what answers list, when it begins and ends", () => {
  const crowdOf = (published: Uint8Array[], toRelays: Uint8Array[] = []) =>
    new CrowdRooms({
      publish: (topic, data) => (topic === ROOM ? published : toRelays).push(data),
      rules: new ReceiptRules({ now: () => NOW }),
      isRelay: (peer) => peer.startsWith('relay-'),
      thresholds: { members: 4, endBelow: 3, listed: 2, pageSize: 3 },
      now: () => NOW,
    })

  it('becomes a crowd at its size: says so, stops forwarding member claims, tells joins and leaves in digests, answers with the newest few and the count, pages the rest', () => {
    const roster = new RoomRoster(true)
    const published: Uint8Array[] = []
    const crowds = crowdOf(published)
    crowds.watch(ROOM, roster)
    const keys = Array.from({ length: 6 }, () => edKey())
    keys.slice(0, 3).forEach((key, i) => {
      roster.observe(verified(memberJwt(key, 'join', i)), NOW + i)
    })
    crowds.tick()
    expect(published).toEqual([])
    expect(crowds.forwards(roster, 'presence')).toBe(true)
    roster.observe(verified(memberJwt(keys[3] as TestKey, 'join', 3)), NOW + 3)
    crowds.tick()
    expect(published.map(parse)).toEqual([
      { digest: 1, room: ROOM, joined: [], gone: [], members: 4, crowd: true },
    ])
    expect(crowds.crowds).toBe(1)
    for (const type of ['join', 'presence', 'leave'] as const)
      expect(crowds.forwards(roster, type)).toBe(false)
    expect(crowds.forwards(roster, 'chat')).toBe(true)

    const newcomer = memberJwt(keys[4] as TestKey, 'join', 4)
    roster.observe(verified(newcomer), NOW + 4)
    roster.observe(verified(memberJwt(keys[0] as TestKey, 'leave', 0)), NOW + 5)
    // A known member's presence is no news.
    roster.observe(verified(memberJwt(keys[1] as TestKey, 'presence', 1)), NOW + 6)
    crowds.tick()
    expect(parse(published[1] as Uint8Array)).toEqual({
      digest: 1,
      room: ROOM,
      joined: [newcomer],
      gone: [keys[0]?.did],
      members: 4,
      crowd: true,
    })

    const request = (extra: Record<string, unknown>) =>
      claims(keys[5] as TestKey, 'request_backlog', ROOM, extra, NOW) as unknown as Extract<
        Claims,
        { type: 'request_backlog' }
      >
    const first = answerFrom(roster, request({}), NOW + 7)
    expect(first.crowd).toEqual({ members: 4 })
    // The two heard from last: key 1's presence and the newcomer's join.
    const issuers = (entries: string[]) =>
      entries.map((jwt) => (verified(jwt).claims as { iss: string }).iss).sort()
    expect(issuers(first.entries)).toEqual([keys[1]?.did, keys[4]?.did].sort())
    const page1 = answerFrom(roster, request({ page: 1 }), NOW + 7)
    const page2 = answerFrom(roster, request({ page: 2 }), NOW + 7)
    expect(page1.entries).toHaveLength(3)
    expect(page2.entries).toHaveLength(1)
    expect([...issuers(page1.entries), ...issuers(page2.entries)].sort()).toEqual(
      [1, 2, 3, 4].map((i) => keys[i]?.did).sort(),
    )
  })

  it('ends below its end size with a last digest, and then forwards member claims and lists everyone again', () => {
    const roster = new RoomRoster(true)
    const published: Uint8Array[] = []
    const crowds = crowdOf(published)
    crowds.watch(ROOM, roster)
    const keys = Array.from({ length: 4 }, () => edKey())
    keys.forEach((key, i) => {
      roster.observe(verified(memberJwt(key, 'join', i)), NOW)
    })
    crowds.tick()
    for (const i of [0, 1]) roster.observe(verified(memberJwt(keys[i] as TestKey, 'leave', i)), NOW)
    crowds.tick()
    expect(parse(published.at(-1) as Uint8Array)).toMatchObject({ members: 2, crowd: false })
    expect((parse(published.at(-1) as Uint8Array).gone as string[]).sort()).toEqual(
      [keys[0]?.did, keys[1]?.did].sort(),
    )
    expect(crowds.forwards(roster, 'presence')).toBe(true)
    expect(crowds.crowds).toBe(0)
    const answer = answerFrom(
      roster,
      claims(edKey(), 'request_backlog', ROOM, {}, NOW) as never,
      NOW,
    )
    expect(answer.crowd).toBeUndefined()
    expect(answer.entries).toHaveLength(2)
  })

  it("over two meshed relays: each sends the other its own clients' claims (refreshes too) on the relay-only topic, takes the other's into its roster without telling its members twice, and passes on the other's digests", async () => {
    const [rosterA, rosterB] = [new RoomRoster(true), new RoomRoster(true)]
    const publishedA: Uint8Array[] = []
    const toRelaysA: Uint8Array[] = []
    const publishedB: Uint8Array[] = []
    const toRelaysB: Uint8Array[] = []
    const [a, b] = [crowdOf(publishedA, toRelaysA), crowdOf(publishedB, toRelaysB)]
    a.watch(ROOM, rosterA)
    b.watch(ROOM, rosterB)
    const keys = Array.from({ length: 5 }, () => edKey())
    keys.slice(0, 4).forEach((key, i) => {
      rosterA.observe(verified(memberJwt(key, 'join', i)), NOW, 0, 'client')
    })
    a.tick() // A's room becomes a crowd: it says so to its members
    const fromA = (data: Uint8Array) => ({ topic: ROOM, data, from: 'relay-b', fromRelay: true })
    // A's clients' claims reach B's roster only by A's batches.
    rosterA.observe(verified(memberJwt(keys[1] as TestKey, 'presence', 1)), NOW + 1, 0, 'client')
    rosterA.observe(verified(memberJwt(keys[4] as TestKey, 'join', 4)), NOW + 1, 0, 'client')
    a.tick()
    expect(toRelaysA).toHaveLength(1)
    const batch = parse(toRelaysA[0] as Uint8Array)
    // Every claim of A's own clients since the crowd began: the newcomer's and the refresh.
    expect((batch.joined as string[]).length).toBe(2)
    expect(await b.takeBatch(ROOM, rosterB, fromA(toRelaysA[0] as Uint8Array))).toBe('accept')
    expect(rosterB.size).toBe(2)
    b.tick()
    // B learnt them from A: its own members hear of them from A's digest (passed on), not twice.
    expect(publishedB).toEqual([])
    const digestA = publishedA.at(-1) as Uint8Array
    expect(parse(digestA).joined).toHaveLength(1)
    expect(b.passOn(ROOM, fromA(digestA))).toBe('accept')
    expect(b.passOn(ROOM, { topic: ROOM, data: digestA, from: 'client-x' })).toBe('reject')
    expect(b.passOn(ROOM, fromA(new TextEncoder().encode('{"digest":')))).toBe('reject')
    // A batch from a client is refused; a forged claim in a relay's batch is dropped.
    expect(
      await b.takeBatch(ROOM, rosterB, { ...fromA(toRelaysA[0] as Uint8Array), from: 'client-x' }),
    ).toBe('reject')
    const liar = edKey()
    const forged = forge(liar, claims(edKey(), 'join', ROOM, { peer: PEER(9) }, NOW))
    const bad = new TextEncoder().encode(
      JSON.stringify({
        digest: 1,
        room: ROOM,
        joined: [forged],
        gone: [keys[4]?.did],
        members: 5,
        crowd: true,
      }),
    )
    expect(await b.takeBatch(ROOM, rosterB, fromA(bad))).toBe('accept')
    // The forged join is not listed; the member A said went is gone.
    expect(rosterB.size).toBe(1)
  })

  it("a relay that begins to carry the crowd later is told every member the others' clients hold, once per relay's connection and at most every CROWD_RETELL_MS", async () => {
    const roster = new RoomRoster(true)
    const toRelays: Uint8Array[] = []
    const clock = { nowMs: NOW }
    const crowds = new CrowdRooms({
      publish: (topic, data) => topic !== ROOM && toRelays.push(data),
      rules: new ReceiptRules({ now: () => NOW }),
      isRelay: (peer) => peer.startsWith('relay-'),
      thresholds: { members: 4, endBelow: 3, listed: 2, pageSize: 3 },
      now: () => clock.nowMs,
    })
    crowds.watch(ROOM, roster)
    const keys = Array.from({ length: 5 }, () => edKey())
    keys.forEach((key, i) => {
      // The last one is another relay's client: not ours to tell.
      roster.observe(verified(memberJwt(key, 'join', i)), NOW, 0, i === 4 ? 'relay' : 'client')
    })
    roster.observe(verified(memberJwt(keys[0] as TestKey, 'leave', 0)), NOW)
    // A room that is no crowd yet has nothing to retell (every claim went on its topic).
    crowds.carrierSubscribed(ROOM, 'relay-early')
    crowds.tick() // the crowd begins (4 members)
    expect(crowds.crowds).toBe(1)
    expect(toRelays).toEqual([])
    const told = async () => {
      crowds.tick()
      const batches = toRelays.splice(0)
      const fresh = new RoomRoster(true)
      for (const data of batches)
        await crowdOf([]).takeBatch(ROOM, fresh, { topic: ROOM, data, from: 'relay-new' })
      return { batches: batches.length, members: fresh.size }
    }
    // A client subscribing to the relay-only topic is nobody's business.
    crowds.carrierSubscribed(ROOM, 'client-x')
    expect(await told()).toEqual({ batches: 0, members: 0 })
    crowds.carrierSubscribed(ROOM, 'relay-new')
    // Our own clients' three members (the one that left is not told), checked at the other end.
    expect(await told()).toEqual({ batches: 1, members: 3 })
    // Gossipsub reports each SUBSCRIBE it receives: a relay that said so again on the same
    // connection (also after an unsubscribe) is not retold.
    crowds.carrierSubscribed(ROOM, 'relay-new')
    crowds.carrierSubscribed(ROOM, 'relay-new')
    expect(await told()).toEqual({ batches: 0, members: 0 })
    // A relay that went away (a restart) has forgotten the room; within CROWD_RETELL_MS of
    // the last retelling it waits for the members' refreshes, after that it is retold.
    crowds.relayGone('relay-new')
    crowds.carrierSubscribed(ROOM, 'relay-new')
    expect(await told()).toEqual({ batches: 0, members: 0 })
    clock.nowMs += CROWD_RETELL_MS
    crowds.relayGone('relay-new')
    crowds.carrierSubscribed(ROOM, 'relay-new')
    expect(await told()).toEqual({ batches: 1, members: 3 })
  })
})

describe('a member in a crowd room (ThreadCrowd)', () => {
  function member(clock = { nowMs: Date.now() }) {
    const own = edKey()
    const members = new MemberRegistry(own.did, 'own-peer')
    const events: string[] = []
    const membership = new ThreadMembership({
      topic: ROOM,
      members,
      now: () => Date.now(),
      joined: (did) => events.push(`joined ${did}`),
      left: (did) => events.push(`left ${did}`),
      firstMember: () => {},
      serverAppeared: () => {},
    })
    const pages: number[] = []
    const crowd = new ThreadCrowd({
      topic: ROOM,
      rules: new ReceiptRules(),
      members,
      membership,
      now: () => clock.nowMs,
      fetchPage: async (page) => {
        pages.push(page)
        return 0
      },
    })
    return { members, events, crowd, pages }
  }
  const digest = (fields: Record<string, unknown>) =>
    new TextEncoder().encode(
      JSON.stringify({
        digest: 1,
        room: ROOM,
        joined: [],
        gone: [],
        members: 1,
        crowd: true,
        ...fields,
      }),
    )

  it('takes a digest from its relay: verified joins listed, a forged one dropped, the gone removed, the count kept; it never passes one on', async () => {
    const { members, events, crowd } = member()
    const [a, b, liar] = [edKey(), edKey(), edKey()]
    const joinA = forge(a, claims(a, 'join', ROOM, { peer: PEER(1) }))
    const joinB = forge(b, claims(b, 'join', ROOM, { peer: PEER(2) }))
    // Signed by someone else than the DID it names.
    const forged = forge(liar, claims(edKey(), 'join', ROOM, { peer: PEER(3) }))
    const first = digest({ joined: [joinA, joinB, forged], members: 300 })
    expect(await crowd.digest({ topic: ROOM, data: first, from: 'relay', fromRelay: true })).toBe(
      'ignore',
    )
    expect(members.list().slice(1).sort()).toEqual([a.did, b.did].sort())
    expect(crowd.isCrowd).toBe(true)
    expect(crowd.roomSize).toBe(300)
    const second = digest({ gone: [a.did], members: 299 })
    await crowd.digest({ topic: ROOM, data: second, from: 'relay', fromRelay: true })
    expect(members.list().slice(1)).toEqual([b.did])
    expect(events).toEqual([`joined ${a.did}`, `joined ${b.did}`, `left ${a.did}`])
    expect(crowd.roomSize).toBe(299)
  })

  it('a digest from a member (not one of its relays) changes nothing; a malformed one from its relay is refused', async () => {
    const { members, crowd } = member()
    const a = edKey()
    const data = digest({ joined: [forge(a, claims(a, 'join', ROOM, { peer: PEER(1) }))] })
    expect(await crowd.digest({ topic: ROOM, data, from: 'member', fromRelay: false })).toBe(
      'ignore',
    )
    expect(members.size).toBe(0)
    expect(crowd.isCrowd).toBe(false)
    const broken = new TextEncoder().encode('{"digest":1,')
    expect(await crowd.digest({ topic: ROOM, data: broken, from: 'relay', fromRelay: true })).toBe(
      'reject',
    )
  })

  it('asks for pages only while it lists fewer than the count, and the end of a crowd renews every claim', async () => {
    const { members, crowd, pages } = member()
    await crowd.listAll()
    expect(pages).toEqual([])
    crowd.said({ members: 5 })
    await Promise.all([crowd.listAll(), crowd.listAll()])
    // One listing at a time; an empty page ends it; none again within CROWD_RELIST_MS.
    expect(pages).toEqual([1])
    await crowd.listAll()
    expect(pages).toEqual([1])
    const a = edKey()
    members.seen(
      { did: a.did, peer: PEER(1), relays: [], ttlMs: 65_000, jwt: 'jwt-a' },
      Date.now() - 60_000,
    )
    await crowd.digest({
      topic: ROOM,
      data: digest({ crowd: false, members: 2 }),
      from: 'relay',
      fromRelay: true,
    })
    expect(crowd.isCrowd).toBe(false)
    // Heard 60 s ago with a 65 s ttl: renewed, it does not run out 5 s from now.
    expect(members.expire(Date.now() + 10_000)).toEqual([])
  })

  it('takes the room as no crowd once its relay has said nothing of it for CROWD_SILENCE_MS (a relay that vanished mid-crowd), and expires by ttl again from then', () => {
    const clock = { nowMs: Date.now() }
    const { members, crowd } = member(clock)
    crowd.said({ members: 500 })
    members.seen(
      { did: edKey().did, peer: PEER(1), relays: [], ttlMs: 65_000, jwt: 'jwt-a' },
      clock.nowMs,
    )
    clock.nowMs += CROWD_SILENCE_MS
    expect(crowd.isCrowd).toBe(true)
    clock.nowMs += 1
    expect(crowd.isCrowd).toBe(false)
    expect(crowd.roomSize).toBe(2)
    // Renewed when the crowd ended: it runs out 65 s after that, not before.
    expect(members.expire(clock.nowMs + 60_000)).toEqual([])
    expect(members.expire(clock.nowMs + 66_000)).toHaveLength(1)
  })
})
