import { describe, expect, it, jest } from '@jest/globals'
import { base58btc } from 'multiformats/bases/base58'
import { base64url } from 'multiformats/bases/base64'
import {
  BACKLOG_MAX_AGE_S,
  createSeedIdentity,
  LIVE_MAX_AGE_S,
  MAX_CLOCK_SKEW_S,
  MAX_JSON_DEPTH,
  MAX_JWT_BYTES,
  MAX_MEMBER_CLAIM_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_PRESENCE_TTL_S,
  REPLAY_WINDOW_S,
  ReceiptRules,
  type ReceiptRulesInit,
  signClaims,
  type Verdict,
} from '../../src/core/index.js'
import { SignatureVerifier } from '../../src/core/signature.js'
import {
  b64,
  claims,
  edKey,
  forge,
  OTHER_ROOM,
  ROOM,
  secpKey,
  signature,
  TEST_PEER,
} from '../helpers/jwt-forge.js'

const alice = edKey()
const mallory = edKey()
const now = Date.now()

function rules(init: ReceiptRulesInit = {}): ReceiptRules {
  return new ReceiptRules({ now: () => now, ...init })
}

const live = { topic: ROOM, channel: 'pubsub' as const, from: TEST_PEER }

function expectRefused(
  verdict: Verdict,
  reason: string,
  action: 'reject' | 'ignore' = 'reject',
): void {
  expect(verdict).toMatchObject({ action, reason })
}

describe('receipt rules: what is accepted', () => {
  it.each(['join', 'presence', 'leave', 'chat'])(
    'accepts a well-signed %s on pubsub',
    async (type) => {
      const jwt = forge(alice, claims(alice, type, ROOM, {}, now))
      const verdict = await rules().check(jwt, live)
      expect(verdict.action).toBe('accept')
      if (verdict.action === 'accept')
        expect(verdict.message.claims).toMatchObject({ type, iss: alice.did, room: ROOM })
    },
  )

  it('accepts what our own signer makes with did-jwt, as bytes or as a string', async () => {
    const signer = await createSeedIdentity(new Uint8Array(32).fill(7)).signerForSpace('testspace')
    const { jwt } = await signClaims(
      signer,
      { type: 'chat', room: ROOM, message: { text: 'hi', n: [1, 2] } },
      now,
    )
    expect((await rules().check(new TextEncoder().encode(jwt), live)).action).toBe('accept')
    const again = await signClaims(signer, { type: 'chat', room: ROOM, message: 'hi' }, now)
    expect((await rules().check(again.jwt, live)).action).toBe('accept')
  })

  it('accepts ES256K (secp256k1 did:key) issuers too', async () => {
    const wallet = secpKey()
    const verdict = await rules().check(forge(wallet, claims(wallet, 'chat', ROOM, {}, now)), live)
    expect(verdict.action).toBe('accept')
  })

  it('accepts an iat within the allowed clock skew and age', async () => {
    const r = rules()
    const ahead = claims(alice, 'chat', ROOM, {
      iat: Math.floor(now / 1000) + MAX_CLOCK_SKEW_S - 1,
    })
    const old = claims(alice, 'chat', ROOM, { iat: Math.floor(now / 1000) - LIVE_MAX_AGE_S + 1 })
    expect((await r.check(forge(alice, ahead), live)).action).toBe('accept')
    expect((await r.check(forge(alice, old), live)).action).toBe('accept')
  })
})

describe('receipt rules: each bad JWT is refused with its own reason', () => {
  it('forged signature: signed by another key in the name of the issuer', async () => {
    const jwt = forge(mallory, claims(alice, 'chat', ROOM, {}, now))
    expectRefused(await rules().check(jwt, live), 'bad-signature')
  })

  it('payload edited after signing', async () => {
    const jwt = forge(alice, claims(alice, 'chat', ROOM, { message: 'I pay 1 ETH' }, now))
    const [header, , sig] = jwt.split('.')
    const edited = claims(alice, 'chat', ROOM, { message: 'I pay 100 ETH' }, now)
    expectRefused(await rules().check(`${header}.${b64(edited)}.${sig}`, live), 'bad-signature')
  })

  it('signature of the wrong length or garbage', async () => {
    const jwt = forge(alice, claims(alice, 'chat', ROOM, {}, now))
    const [header, payload] = jwt.split('.')
    expectRefused(
      await rules().check(`${header}.${payload}.${base64url.baseEncode(new Uint8Array(10))}`, live),
      'bad-signature',
    )
  })

  it('a JWT signed for another room (a replay into a room it was not meant for)', async () => {
    const jwt = forge(alice, claims(alice, 'chat', OTHER_ROOM, {}, now))
    expectRefused(await rules().check(jwt, live), 'wrong-room')
  })

  it('the same JWT twice: ignored on pubsub (no penalty for the forwarder), rejected on direct streams', async () => {
    const r = rules()
    const jwt = forge(alice, claims(alice, 'chat', ROOM, {}, now))
    expect((await r.check(jwt, live)).action).toBe('accept')
    expectRefused(await r.check(jwt, live), 'duplicate', 'ignore')
    const dm = forge(alice, claims(alice, 'chat', ROOM, { to: mallory.did }, now))
    const direct = { topic: ROOM, channel: 'direct' as const, audience: mallory.did }
    expect((await r.check(dm, direct)).action).toBe('accept')
    expectRefused(await r.check(dm, direct), 'duplicate', 'reject')
  })

  it('a replay is caught however many messages came between, while it could be accepted live', async () => {
    // A window of 3 pairs stands in for 300,000; the clock moves as the test says.
    let nowMs = now
    const r = new ReceiptRules({ now: () => nowMs, seenCapacity: 3 })
    const chat = (key = alice) => forge(key, claims(key, 'chat', ROOM, {}, nowMs))
    const recorded = chat()
    expect((await r.check(recorded, live)).action).toBe('accept')
    for (const key of [mallory, edKey()])
      expect((await r.check(chat(key), live)).action).toBe('accept')
    // Full: a new message is refused (not accepted by forgetting the oldest pair)...
    expectRefused(await r.check(chat(edKey()), live), 'replay-window-full', 'ignore')
    // ...and the recorded one is still a duplicate (an LRU had forgotten it by now).
    expectRefused(await r.check(recorded, live), 'duplicate', 'ignore')
    // Once its iat is out of the window the pair is forgotten, and a copy is too old anyway.
    nowMs += (REPLAY_WINDOW_S + 1) * 1000
    expectRefused(await r.check(recorded, live), 'too-old', 'ignore')
    expect((await r.check(chat(), live)).action).toBe('accept')
  })

  it('a full window silences its own room only: another room still takes its fair share, up to the reserve, and replays stay caught in both', async () => {
    // A window of 8 pairs stands in for 300,000; the reserve is a quarter more (10 in all).
    let nowMs = now
    const r = new ReceiptRules({ now: () => nowMs, seenCapacity: 8 })
    const QUIET = `${ROOM}-quiet`
    const quiet = { ...live, topic: QUIET }
    const post = (room = ROOM, key = edKey()) => forge(key, claims(key, 'chat', room, {}, nowMs))
    const first = post()
    expect((await r.check(first, live)).action).toBe('accept')
    for (let i = 1; i < 8; i++) expect((await r.check(post(), live)).action).toBe('accept')
    // The flooded room is full...
    expectRefused(await r.check(post(), live), 'replay-window-full', 'ignore')
    // ...the quiet one is not: it holds less than its share (8 ÷ 2), within the reserve.
    const quietFirst = post(QUIET)
    expect((await r.check(quietFirst, quiet)).action).toBe('accept')
    expect((await r.check(post(QUIET), quiet)).action).toBe('accept')
    // The reserve is spent (10 pairs held): nothing more fits anywhere.
    expectRefused(await r.check(post(QUIET), quiet), 'replay-window-full', 'ignore')
    // Copies are still copies, in both rooms.
    expectRefused(await r.check(first, live), 'duplicate', 'ignore')
    expectRefused(await r.check(quietFirst, quiet), 'duplicate', 'ignore')
    // The span passes: both rooms take new messages again.
    nowMs += (REPLAY_WINDOW_S + 1) * 1000
    expect((await r.check(post(), live)).action).toBe('accept')
    expect((await r.check(post(QUIET), quiet)).action).toBe('accept')
  })

  it('a replay is caught even when both copies are checked at the same time', async () => {
    const r = rules()
    const jwt = forge(alice, claims(alice, 'chat', ROOM, {}, now))
    const verdicts = await Promise.all([r.check(jwt, live), r.check(jwt, live), r.check(jwt, live)])
    expect(verdicts.filter((v) => v.action === 'accept')).toHaveLength(1)
  })

  it('the same jti from two issuers are two messages: nobody can burn another author’s jti', async () => {
    const r = rules()
    const jti = 'sharedJtiSharedJti123'
    expect(
      (await r.check(forge(mallory, claims(mallory, 'chat', ROOM, { jti }, now)), live)).action,
    ).toBe('accept')
    expect(
      (await r.check(forge(alice, claims(alice, 'chat', ROOM, { jti }, now)), live)).action,
    ).toBe('accept')
  })

  it('a forgery does not burn the jti of the real message that follows it', async () => {
    const r = rules()
    const real = claims(alice, 'chat', ROOM, {}, now)
    expectRefused(await r.check(forge(mallory, real), live), 'bad-signature')
    expect((await r.check(forge(alice, real), live)).action).toBe('accept')
  })

  it('a message nested deeper than MAX_JSON_DEPTH, before its schema is checked', async () => {
    const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)
    const deep = forge(alice, claims(alice, 'chat', ROOM, { message: nested(2_500) }, now))
    expectRefused(await rules().check(deep, live), 'invalid-claims')
    const atTheLimit = forge(
      alice,
      claims(alice, 'chat', ROOM, { message: nested(MAX_JSON_DEPTH) }, now),
    )
    expect((await rules().check(atTheLimit, live)).action).toBe('accept')
  })

  it('turns whatever throws while checking into that input’s refusal, never an exception', async () => {
    let broken = false
    const throwing = new ReceiptRules({
      now: () => {
        if (broken) throw new RangeError('Maximum call stack size exceeded')
        return now
      },
    })
    broken = true
    const verdict = await throwing.check(forge(alice, claims(alice, 'chat', ROOM, {}, now)), live)
    expectRefused(verdict, 'invalid-claims')
  })

  it('iat in the future beyond the clock skew', async () => {
    const jwt = forge(
      alice,
      claims(alice, 'chat', ROOM, { iat: Math.floor(now / 1000) + MAX_CLOCK_SKEW_S + 5 }),
    )
    // Ignored, not rejected: the forwarder's clock may be ahead of ours (no score lost).
    expectRefused(await rules().check(jwt, live), 'future-iat', 'ignore')
  })

  it('iat older than a live message may be', async () => {
    const jwt = forge(
      alice,
      claims(alice, 'chat', ROOM, { iat: Math.floor(now / 1000) - LIVE_MAX_AGE_S - 5 }),
    )
    expectRefused(await rules().check(jwt, live), 'too-old', 'ignore')
  })

  it('a whole JWT over the size limit, before any decoding', async () => {
    const verdict = await rules().check(new Uint8Array(MAX_JWT_BYTES + 1).fill(65), live)
    expectRefused(verdict, 'oversized')
  })

  it('a chat message over the size limit inside a JWT that fits', async () => {
    const message = 'x'.repeat(MAX_MESSAGE_BYTES + 100)
    const jwt = forge(alice, claims(alice, 'chat', ROOM, { message }, now))
    expect(jwt.length).toBeLessThan(MAX_JWT_BYTES)
    expectRefused(await rules().check(jwt, live), 'oversized')
  })

  it('an unknown message type (3box’s unsigned backlog_response among them)', async () => {
    for (const type of ['backlog_response', 'delete', 42, undefined]) {
      const jwt = forge(alice, { ...claims(alice, 'chat', ROOM, {}, now), type })
      // A newer release's type must not cost the relay that forwards it its score.
      expectRefused(await rules().check(jwt, live), 'unknown-type', 'ignore')
    }
  })

  it.each([
    ['iat as a string', { iat: '1700000000' }],
    ['a negative iat', { iat: -1 }],
    ['a short jti (under 96 bits)', { jti: 'abc' }],
    ['no jti', { jti: undefined }],
    ['an issuer that is not a did:key', { iss: 'did:web:example.com' }],
    ['a room that is not a topic', { room: 'lobby' }],
    ['a chat without a message', { message: undefined }],
  ])('claims of the wrong type or shape: %s', async (_what, extra) => {
    const jwt = forge(alice, claims(alice, 'chat', ROOM, extra, now))
    expectRefused(await rules().check(jwt, live), 'invalid-claims')
  })

  it('a join without the peer to reach it at', async () => {
    const jwt = forge(alice, claims(alice, 'join', ROOM, { peer: undefined }, now))
    expectRefused(await rules().check(jwt, live), 'invalid-claims')
  })

  it.each(['none', 'HS256', 'ES256K-R', 'RS256'])('an alg we do not accept: %s', async (alg) => {
    const jwt = forge(alice, claims(alice, 'chat', ROOM, {}, now), { alg })
    expectRefused(await rules().check(jwt, live), 'unknown-alg')
  })

  it('an alg that does not match the issuer’s key type', async () => {
    const wallet = secpKey()
    const payload = claims(wallet, 'chat', ROOM, {}, now)
    const input = `${b64({ typ: 'JWT', alg: 'EdDSA' })}.${b64(payload)}`
    expectRefused(
      await rules().check(`${input}.${signature(wallet, input)}`, live),
      'bad-signature',
    )
  })

  it('a did:key that cannot sign (X25519)', async () => {
    const x25519 = `did:key:${base58btc.encode(Uint8Array.from([0xec, 0x01, ...new Uint8Array(32).fill(9)]))}`
    const jwt = forge(alice, { ...claims(alice, 'chat', ROOM, {}, now), iss: x25519 })
    expectRefused(await rules().check(jwt, live), 'unsupported-issuer')
  })

  it('malformed structure, base64 and JSON each get their own reason', async () => {
    const r = rules()
    const good = forge(alice, claims(alice, 'chat', ROOM, {}, now)).split('.')
    expectRefused(await r.check('only.two', live), 'malformed-jwt')
    expectRefused(await r.check(`${good[0]}.${good[1]}.${good[2]}.extra`, live), 'malformed-jwt')
    expectRefused(await r.check(`${good[0]}.${good[1]}!!.${good[2]}`, live), 'malformed-base64')
    expectRefused(await r.check(`${good[0]}.${b64('{"iss":')}.${good[2]}`, live), 'malformed-json')
    expectRefused(await r.check(`${b64('[1,2]')}.${good[1]}.${good[2]}`, live), 'malformed-jwt')
    expectRefused(await r.check(Uint8Array.from([0xff, 0xfe, 0x2e, 0x2e]), live), 'malformed-jwt')
  })

  it('types on the wrong channel: DMs on pubsub, broadcasts on direct streams, requests as chat', async () => {
    const r = rules()
    const dm = forge(alice, claims(alice, 'chat', ROOM, { to: mallory.did }, now))
    expectRefused(await r.check(dm, live), 'wrong-channel')
    const broadcast = forge(alice, claims(alice, 'chat', ROOM, {}, now))
    expectRefused(
      await r.check(broadcast, { topic: ROOM, channel: 'direct', audience: mallory.did }),
      'wrong-channel',
    )
    const request = forge(alice, claims(alice, 'request_backlog', ROOM, {}, now))
    expectRefused(await r.check(request, live), 'wrong-channel')
    const join = forge(alice, claims(alice, 'join', ROOM, {}, now))
    expectRefused(await r.check(join, { topic: ROOM, channel: 'backlog-request' }), 'wrong-channel')
  })

  it('a DM addressed to somebody else', async () => {
    const dm = forge(alice, claims(alice, 'chat', ROOM, { to: mallory.did }, now))
    expectRefused(
      await rules().check(dm, { topic: ROOM, channel: 'direct', audience: alice.did }),
      'wrong-audience',
    )
  })
})

describe('receipt rules: member claims are bounded in bytes', () => {
  it('take the largest honest presence (longest topic, four relays, a 2,048-character link) and refuse a padded one', async () => {
    const topic = `3box.chat.v2.${'s'.repeat(64)}.${'r'.repeat(64)}`
    const peer = `12D3KooW${'x'.repeat(44)}`
    const largest = forge(
      alice,
      claims(alice, 'presence', topic, {
        peer,
        relays: [peer, peer, peer, peer],
        ttl: MAX_PRESENCE_TTL_S,
        link: {
          message: `${'a\n'.repeat(1_024)}`.slice(0, 2_048),
          signature: `0x${'1'.repeat(130)}`,
        },
      }),
    )
    expect(new TextEncoder().encode(largest).length).toBeLessThanOrEqual(MAX_MEMBER_CLAIM_BYTES)
    // Within the size, the fake link is what is refused, not the bytes.
    expectRefused(
      await rules().check(largest, { topic, channel: 'pubsub', from: TEST_PEER }),
      'malformed-link',
    )
    // Padded (member claims are not strict: a newer release may add fields): refused by size.
    const padded = forge(
      alice,
      claims(alice, 'presence', ROOM, { padding: 'p'.repeat(7_000) }, now),
    )
    expectRefused(await rules().check(padded, live), 'oversized')
    expectRefused(
      await rules().check(padded, { topic: ROOM, channel: 'backlog-entry' }),
      'oversized',
    )
    // A chat may still be as large as MAX_JWT_BYTES allows.
    const chat = forge(alice, claims(alice, 'chat', ROOM, { message: 'c'.repeat(7_000) }, now))
    expect((await rules().check(chat, live)).action).toBe('accept')
  })
})

describe('receipt rules: backlog entries', () => {
  const entry = { topic: ROOM, channel: 'backlog-entry' as const }

  it('accepts chat posts up to 12 hours old and refuses older ones', async () => {
    const r = rules()
    const nowS = Math.floor(now / 1000)
    const elevenHours = forge(alice, claims(alice, 'chat', ROOM, { iat: nowS - 11 * 3600 }))
    const thirteenHours = forge(
      alice,
      claims(alice, 'chat', ROOM, { iat: nowS - BACKLOG_MAX_AGE_S - 3600 }),
    )
    expect((await r.check(elevenHours, entry)).action).toBe('accept')
    expectRefused(await r.check(thirteenHours, entry), 'too-old', 'ignore')
  })

  it('accepts presences only for as long as their own ttl says', async () => {
    const r = rules()
    const nowS = Math.floor(now / 1000)
    const presence = (ago: number, ttl: number) =>
      forge(alice, claims(alice, 'presence', ROOM, { iat: nowS - ago, ttl }))
    expect((await r.check(presence(50, 60), entry)).action).toBe('accept')
    expectRefused(await r.check(presence(70, 60), entry), 'too-old', 'ignore')
    // iat is rounded down to the second: one second more is allowed for it.
    expect((await r.check(presence(59, 59), entry)).action).toBe('accept')
    expectRefused(await r.check(presence(62, 60), entry), 'too-old', 'ignore')
    // A large room paces heartbeats slowly, and its presences say so.
    expect((await r.check(presence(300, 400), entry)).action).toBe('accept')
    expectRefused(await r.check(presence(30, 20), entry), 'too-old', 'ignore')
  })

  it('refuses a ttl past the longest a presence may claim, and a claim without one', async () => {
    const r = rules()
    expectRefused(
      await r.check(
        forge(alice, claims(alice, 'presence', ROOM, { ttl: MAX_PRESENCE_TTL_S + 1 }, now)),
        entry,
      ),
      'invalid-claims',
    )
    expectRefused(
      await r.check(forge(alice, claims(alice, 'join', ROOM, { ttl: undefined }, now)), entry),
      'invalid-claims',
    )
  })

  it('never lets DMs, leaves or requests in', async () => {
    const r = rules()
    for (const jwt of [
      forge(alice, claims(alice, 'chat', ROOM, { to: mallory.did }, now)),
      forge(alice, claims(alice, 'leave', ROOM, {}, now)),
      forge(alice, claims(alice, 'request_backlog', ROOM, {}, now)),
    ]) {
      expectRefused(await r.check(jwt, entry), 'wrong-channel')
    }
  })

  it('accepts an entry it has already seen live (a rejoin needs the history back), and a copy live after it stays a duplicate', async () => {
    const r = rules()
    const jwt = forge(alice, claims(alice, 'chat', ROOM, {}, now))
    expect((await r.check(jwt, live)).action).toBe('accept')
    expect((await r.check(jwt, entry)).action).toBe('accept')
    expect((await r.check(jwt, entry)).action).toBe('accept')
    expectRefused(await r.check(jwt, live), 'duplicate', 'ignore')
    const fromBacklog = forge(alice, claims(alice, 'chat', ROOM, {}, now))
    expect((await r.check(fromBacklog, entry)).action).toBe('accept')
    expectRefused(await r.check(fromBacklog, live), 'duplicate', 'ignore')
  })

  it('still checks the signature of an entry it saw before: a known jti with other content is refused', async () => {
    const r = rules()
    const jwt = forge(alice, claims(alice, 'chat', ROOM, { message: 'original' }, now))
    expect((await r.check(jwt, live)).action).toBe('accept')
    const [header, , signature] = jwt.split('.')
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString())
    const edited = `${header}.${Buffer.from(JSON.stringify({ ...payload, message: 'edited' })).toString('base64url')}.${signature}`
    expectRefused(await r.check(edited, entry), 'bad-signature')
  })
})

describe('receipt rules: a signature is verified once', () => {
  const entry = { topic: ROOM, channel: 'backlog-entry' as const }

  it('takes a JWT it verified before without verifying it again, and still checks its age, room and content', async () => {
    const verify = jest.spyOn(SignatureVerifier.prototype, 'verify')
    try {
      let nowMs = now
      const r = rules({ now: () => nowMs })
      const presence = forge(alice, claims(alice, 'presence', ROOM, { ttl: 60 }, now))
      expect((await r.check(presence, live)).action).toBe('accept')
      expect(verify).toHaveBeenCalledTimes(1)
      // A follow-up answer brings it back: no second verification.
      expect((await r.check(presence, entry)).action).toBe('accept')
      expect((await r.check(presence, entry)).action).toBe('accept')
      expect(verify).toHaveBeenCalledTimes(1)
      // Another room's answer, or its own ttl run out: refused all the same.
      expectRefused(await r.check(presence, { ...entry, topic: OTHER_ROOM }), 'wrong-room')
      nowMs = now + 62_000
      expectRefused(await r.check(presence, entry), 'too-old', 'ignore')
      // The same signature on other content is another JWT: verified, and refused.
      const [header, payload, sig] = presence.split('.') as [string, string, string]
      const edited = JSON.parse(Buffer.from(payload, 'base64url').toString())
      edited.ttl = 300
      const forged = `${header}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${sig}`
      nowMs = now
      expectRefused(await r.check(forged, entry), 'bad-signature')
      expect(verify).toHaveBeenCalledTimes(2)
    } finally {
      verify.mockRestore()
    }
  })

  it('never remembers a signature that failed', async () => {
    const verify = jest.spyOn(SignatureVerifier.prototype, 'verify')
    try {
      const r = rules()
      const forged = forge(mallory, claims(alice, 'chat', ROOM, {}, now))
      expectRefused(await r.check(forged, entry), 'bad-signature')
      expectRefused(await r.check(forged, entry), 'bad-signature')
      expect(verify).toHaveBeenCalledTimes(2)
    } finally {
      verify.mockRestore()
    }
  })
})

describe('receipt rules: rate limits', () => {
  it('ignores (does not reject) a DID past its budget, and refills it over time', async () => {
    let clock = now
    const r = new ReceiptRules({ now: () => clock, didRateLimit: { burst: 3, perSecond: 1 } })
    const send = () => r.check(forge(alice, claims(alice, 'chat', ROOM, {}, clock)), live)
    for (let i = 0; i < 3; i++) expect((await send()).action).toBe('accept')
    expectRefused(await send(), 'rate-limited-did', 'ignore')
    expect(
      (await r.check(forge(mallory, claims(mallory, 'chat', ROOM, {}, clock)), live)).action,
    ).toBe('accept')
    clock += 1_000
    expect((await send()).action).toBe('accept')
  })

  it('limits a forwarding peer before spending crypto on it', async () => {
    const r = rules({ peerRateLimit: { burst: 2, perSecond: 1 } })
    const fromFlooder = { ...live, from: 'QmFlooder000000000000000000000' }
    for (let i = 0; i < 2; i++) {
      expect(
        (await r.check(forge(alice, claims(alice, 'chat', ROOM, {}, now)), fromFlooder)).action,
      ).toBe('accept')
    }
    // The forged signature is never checked: the peer's budget is spent first. Dropped,
    // not scored: an honest forwarder (a member bridging two relays) can pass on as much.
    expectRefused(
      await r.check(forge(mallory, claims(alice, 'chat', ROOM, {}, now)), fromFlooder),
      'rate-limited-peer',
      'ignore',
    )
    expect((await r.check(forge(alice, claims(alice, 'chat', ROOM, {}, now)), live)).action).toBe(
      'accept',
    )
  })

  it('does not limit per peer what a relay forwards: the relay limited its own clients', async () => {
    const r = rules({ peerRateLimit: { burst: 2, perSecond: 1 } })
    const fromRelay = { ...live, from: 'QmRelay0000000000000000000000', fromRelay: true }
    for (let i = 0; i < 10; i++) {
      const author = edKey()
      expect(
        (await r.check(forge(author, claims(author, 'chat', ROOM, {}, now)), fromRelay)).action,
      ).toBe('accept')
    }
    // The same peer not marked as a relay is limited as before.
    const notRelay = { ...fromRelay, fromRelay: false }
    const verdicts = []
    for (let i = 0; i < 3; i++) {
      const author = edKey()
      verdicts.push(
        (await r.check(forge(author, claims(author, 'chat', ROOM, {}, now)), notRelay)).action,
      )
    }
    expect(verdicts).toEqual(['accept', 'accept', 'ignore'])
  })

  it('does not let a forger spend the budget of the DID it impersonates', async () => {
    const r = rules({ didRateLimit: { burst: 1, perSecond: 0.001 } })
    for (let i = 0; i < 5; i++) {
      expectRefused(
        await r.check(forge(mallory, claims(alice, 'chat', ROOM, {}, now)), live),
        'bad-signature',
      )
    }
    expect((await r.check(forge(alice, claims(alice, 'chat', ROOM, {}, now)), live)).action).toBe(
      'accept',
    )
  })
})

describe('receipt rules: issuer keys', () => {
  it('imports each issuer key once and reuses it', async () => {
    const importKey = jest.spyOn(globalThis.crypto.subtle, 'importKey')
    try {
      const r = rules()
      const author = edKey()
      for (let i = 0; i < 5; i++) {
        expect(
          (await r.check(forge(author, claims(author, 'chat', ROOM, {}, now)), live)).action,
        ).toBe('accept')
      }
      const imports = importKey.mock.calls.filter(
        ([format, key]) => format === 'raw' && (key as Uint8Array).length === 32,
      )
      expect(imports).toHaveLength(1)
    } finally {
      importKey.mockRestore()
    }
  })
})

describe('receipt rules: metrics hook', () => {
  it('reports every verdict with its reason and channel, never the text', async () => {
    const onVerdict = jest.fn()
    const r = rules({ onVerdict })
    await r.check(forge(alice, claims(alice, 'chat', ROOM, { message: 'secret words' }, now)), live)
    await r.check(forge(mallory, claims(alice, 'chat', ROOM, {}, now)), live)
    expect(onVerdict.mock.calls).toEqual([
      ['accept', undefined, 'pubsub'],
      ['reject', 'bad-signature', 'pubsub'],
    ])
  })
})
