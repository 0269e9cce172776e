/**
 * Private rooms' keys and envelopes (issue 25, first part): what a relay can check without
 * reading, what a member opens, and what an outsider or a tamperer cannot do.
 */
import { describe, expect, it, jest } from '@jest/globals'
import { encodeDidKey } from '../../src/core/did-key.js'
import {
  createSeedIdentity,
  ENVELOPE_BUCKETS,
  generateSeed,
  InvalidArgumentError,
  signClaims,
  TOPIC_PREFIX,
} from '../../src/core/index.js'
import {
  bucketFor,
  decrypt,
  inviteCreator,
  inviteSecret,
  inviteWith,
  isRoomEnvelope,
  isRoomRequest,
  newInvite,
  open,
  privateRoomKeys,
  roomKeyOfTopic,
  seal,
  signRoomRequest,
} from '../../src/core/private-room.js'
import { isTopic, PRIVATE_TOPIC_PATTERN } from '../../src/core/room-name.js'
import { decodeUtf8, encodeUtf8 } from '../../src/core/utf8.js'
import { CREATOR } from '../helpers/invites.js'

const room = () => privateRoomKeys(inviteSecret(newInvite(CREATOR)), 'testspace')

describe('private room keys', () => {
  it('derives the same room from the same invite, and a topic that names no space or room', async () => {
    const invite = newInvite(CREATOR)
    expect(invite).toMatch(/^[A-Za-z0-9_-]{85}[AQgw]$/)
    const a = privateRoomKeys(inviteSecret(invite), 'testspace')
    const b = privateRoomKeys(inviteSecret(invite), 'testspace')
    expect(a.topic).toBe(b.topic)
    expect(a.topic).toMatch(PRIVATE_TOPIC_PATTERN)
    expect(a.topic.startsWith(`${TOPIC_PREFIX}-private.z`)).toBe(true)
    expect(a.topic).not.toContain('testspace')
    // Not a public room of some space, either (a space may be called "private").
    expect(isTopic(a.topic)).toBe(false)
    // The same invite carried to another dapp's space opens another room there.
    expect(privateRoomKeys(inviteSecret(invite), 'other-dapp').topic).not.toBe(a.topic)
    expect(roomKeyOfTopic(a.topic)).toEqual(a.roomPublicKey)
    expect(room().topic).not.toBe(a.topic)
  })

  it('names its creator, whose key is part of the room: the same secret under another creator is another room', async () => {
    const invite = newInvite(CREATOR)
    expect(inviteCreator(invite)).toBe(CREATOR)
    const other = encodeDidKey('EdDSA', new Uint8Array(32).fill(9))
    const sameSecret = inviteWith(inviteSecret(invite), other)
    expect(inviteCreator(sameSecret)).toBe(other)
    expect(privateRoomKeys(inviteSecret(sameSecret), 'testspace').topic).not.toBe(
      privateRoomKeys(inviteSecret(invite), 'testspace').topic,
    )
    const k1 = encodeDidKey('ES256K', new Uint8Array(33).fill(2))
    expect(() => newInvite(k1)).toThrow(/needs an Ed25519 did:key/)
  })

  it('refuses what is not an invite, by name, saying what one is', async () => {
    const good = newInvite(CREATOR)
    // 86 characters whose last one carries bits past the 64 bytes is no invite either.
    const extraBits = `${good.slice(0, 85)}B`
    for (const bad of ['', 'short', `${good}x`, 'not base64url!'.repeat(4), extraBits, 42, null])
      expect(() => inviteSecret(bad)).toThrow(InvalidArgumentError)
    expect(inviteSecret(good)).toHaveLength(64)
    expect(() => inviteSecret('abc')).toThrow(/invite link after #/)
  })
})

describe('envelopes', () => {
  it('a member opens what another member sealed; a relay checks it without the key to read it', async () => {
    const keys = room()
    const message = encodeUtf8('eyJhbGciOiJFZERTQSJ9.a-signed-jwt.sig')
    const envelope = await seal(keys, message)
    expect(await isRoomEnvelope(keys.topic, envelope)).toBe(true)
    expect(await open(keys, envelope)).toEqual(message)
    // The text is nowhere in what travels.
    expect(Buffer.from(envelope).includes(Buffer.from('signed-jwt'))).toBe(false)
  })

  it('pads to a bucket: messages of different lengths within one bucket travel the same size', async () => {
    const keys = room()
    // Bytes that are not a JWT travel as they are, after one byte saying so: up to 507 in 512.
    const sizes = await Promise.all(
      [1, 302, 442, 507].map(async (length) => (await seal(keys, new Uint8Array(length))).length),
    )
    expect(new Set(sizes).size).toBe(1)
    expect((await seal(keys, new Uint8Array(508))).length).toBeGreaterThan(sizes[0] as number)
    expect(ENVELOPE_BUCKETS.map((bucket) => bucketFor(bucket - 4))).toEqual([...ENVELOPE_BUCKETS])
    await expect(seal(keys, new Uint8Array(ENVELOPE_BUCKETS.at(-1) as number))).rejects.toThrow(
      /at most 20476 bytes once packed .*; send less/,
    )
  })

  it('seals a JWT as its decoded parts and opens the very same text: every small message is one size', async () => {
    const keys = room()
    const signer = createSeedIdentity(generateSeed()).signerForSpace('testspace')
    const sign = async (claims: Record<string, unknown>) =>
      (await signClaims(await signer, { room: keys.topic, ...claims } as never, Date.now())).jwt
    const relays = ['12D3KooWJ8bXbqWQ2nKDRKvE4wLz9mkpTBVKJs8Bxm1o8N8Y3BtQ']
    const peer = '12D3KooWQ5gmCx6A4AvzP3sQVGvWvtmiEn5C1tHjEBs2eSbpXQ5b'
    const jwts = [
      await sign({ type: 'typing' }),
      await sign({ type: 'chat', message: 'hello there, how are you today?' }),
      await sign({ type: 'presence', peer, relays, ttl: 900 }),
      await sign({ type: 'join', peer, relays: [...relays, relays[0]], ttl: 900 }),
    ]
    const envelopes = await Promise.all(jwts.map((jwt) => seal(keys, encodeUtf8(jwt))))
    // The first bucket holds them all, even a join that claims two relays.
    expect(new Set(envelopes.map((envelope) => envelope.length))).toEqual(
      new Set([(ENVELOPE_BUCKETS[0] as number) + 1 + 24 + 16 + 64]),
    )
    for (const [at, envelope] of envelopes.entries())
      expect(decodeUtf8(decrypt(keys, envelope) as Uint8Array)).toBe(jwts[at])
  })

  it('signs with JavaScript where WebCrypto has no Ed25519 (browsers before Chrome 137)', async () => {
    const invite = newInvite(CREATOR)
    // A room's keys made afresh: no signer is made for them yet.
    const keys = privateRoomKeys(inviteSecret(invite), 'testspace')
    const importKey = jest
      .spyOn(globalThis.crypto.subtle, 'importKey')
      .mockRejectedValueOnce(new Error('Ed25519 is not supported'))
    let envelope: Uint8Array
    try {
      envelope = await seal(keys, encodeUtf8('sealed without WebCrypto'))
      expect(importKey).toHaveBeenCalledTimes(1)
    } finally {
      importKey.mockRestore()
    }
    // A relay and another member (WebCrypto or not) check and open it alike.
    const other = privateRoomKeys(inviteSecret(invite), 'testspace')
    expect(await isRoomEnvelope(other.topic, envelope)).toBe(true)
    expect(decodeUtf8((await open(other, envelope)) as Uint8Array)).toBe('sealed without WebCrypto')
  })

  it('an outsider who knows the topic makes nothing the relay or a member accepts', async () => {
    const keys = room()
    const outsider = room()
    const forged = await seal(outsider, encodeUtf8('spam'))
    // Sealed with another room's keys, sent to this topic: the room key does not sign it.
    expect(await isRoomEnvelope(keys.topic, forged)).toBe(false)
    expect(await open(keys, forged)).toBeUndefined()
    // A member's envelope whose signature an outsider replaced with its own is refused too.
    const genuine = await seal(keys, encodeUtf8('hello'))
    const resigned = new Uint8Array(genuine)
    resigned.set(forged.subarray(forged.length - 64), genuine.length - 64)
    expect(await isRoomEnvelope(keys.topic, resigned)).toBe(false)
    expect(await open(keys, resigned)).toBeUndefined()
  })

  it('a changed byte anywhere is refused; an envelope is valid in its own room only', async () => {
    const keys = room()
    const envelope = await seal(keys, encodeUtf8('hello'))
    for (const at of [0, 1, 30, envelope.length - 70, envelope.length - 1]) {
      const changed = new Uint8Array(envelope)
      changed[at] = (changed[at] as number) ^ 1
      expect([at, await isRoomEnvelope(keys.topic, changed), await open(keys, changed)]).toEqual([
        at,
        false,
        undefined,
      ])
    }
    expect(await isRoomEnvelope(room().topic, envelope)).toBe(false)
    expect(await isRoomEnvelope('3box.chat.v2.space.room', envelope)).toBe(false)
    expect(await isRoomEnvelope(keys.topic, envelope.subarray(0, 100))).toBe(false)
  })
})

describe("a newcomer's request to its relay", () => {
  const peer = '12D3KooWAskingPeer000000000000000000000000000000000'
  const nowS = 1_800_000_000

  it('holds for the peer it was signed for, in its room, for a minute', async () => {
    const keys = room()
    const request = signRoomRequest(keys, peer, nowS, nowS - 5)
    expect(await isRoomRequest(request, peer, nowS)).toBe(true)
    expect(await isRoomRequest(request, peer, nowS + 60)).toBe(true)
    // Sent again later, or by another peer that saw it: refused.
    expect(await isRoomRequest(request, peer, nowS + 61)).toBe(false)
    expect(await isRoomRequest(request, `${peer.slice(0, -1)}1`, nowS)).toBe(false)
    // Dated ahead of the relay's clock by more than the skew allowed.
    expect(await isRoomRequest(request, peer, nowS - 11)).toBe(false)
    // Its `since` or topic changed, or signed with another room's key.
    expect(await isRoomRequest({ ...request, since: 0 }, peer, nowS)).toBe(false)
    const other = room()
    expect(await isRoomRequest({ ...request, topic: other.topic }, peer, nowS)).toBe(false)
    expect(
      await isRoomRequest({ ...signRoomRequest(other, peer, nowS), topic: keys.topic }, peer, nowS),
    ).toBe(false)
    expect(await isRoomRequest({ ...request, signature: 'A'.repeat(86) }, peer, nowS)).toBe(false)
  })
})
