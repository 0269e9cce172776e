/**
 * What a private room seals of a JWT (jwt-bytes.ts): its parts decoded, opened back to the
 * very same text, and anything else as it is; a packed message that was tampered with or
 * cut short opens to nothing rather than to something else.
 */
import { describe, expect, it } from '@jest/globals'
import { createSeedIdentity, generateSeed, signClaims } from '../../src/core/index.js'
import { packMessage, unpackMessage } from '../../src/core/jwt-bytes.js'
import { decodeUtf8, encodeUtf8 } from '../../src/core/utf8.js'

async function aJwt(): Promise<string> {
  const signer = await createSeedIdentity(generateSeed()).signerForSpace('testspace')
  const claims = { type: 'chat', room: '3box.chat.v2.testspace.lobby', message: 'héllo 👋' }
  return (await signClaims(signer, claims as never, Date.now())).jwt
}

describe('a JWT packed for an envelope', () => {
  it('takes three quarters of its text and opens to the very same text', async () => {
    const jwt = await aJwt()
    const packed = packMessage(encodeUtf8(jwt))
    expect(packed.length).toBeLessThan(jwt.length * 0.8)
    expect(decodeUtf8(unpackMessage(packed) as Uint8Array)).toBe(jwt)
  })

  it('carries anything else as it is: text with no JWT shape, non-canonical base64url, bytes', () => {
    for (const text of ['spam', 'a.b', 'a.b.c.d', 'eyJ.eyJ.sig=', 'ab.cd.ef+/', 'x.y.z'])
      expect(decodeUtf8(unpackMessage(packMessage(encodeUtf8(text))) as Uint8Array)).toBe(text)
    // Two base64url texts that decode to the same bytes ("Q" and "R" share their top bits):
    // only the canonical one is packed, so the other is never opened as the first.
    const odd = 'eyJhIjoxfQ.eyJiIjoyfR.AR'
    expect(packMessage(encodeUtf8(odd))[0]).toBe(0)
    expect(decodeUtf8(unpackMessage(packMessage(encodeUtf8(odd))) as Uint8Array)).toBe(odd)
    const bytes = Uint8Array.of(0xff, 0, 7)
    expect(unpackMessage(packMessage(bytes))).toEqual(bytes)
  })

  it('opens nothing from a packed message cut short, of another kind, or empty', async () => {
    const packed = packMessage(encodeUtf8(await aJwt()))
    expect(unpackMessage(packed.subarray(0, 4))).toBeUndefined()
    expect(unpackMessage(packed.subarray(0, 20))).toBeUndefined()
    expect(unpackMessage(Uint8Array.of(7, 1, 2, 3, 4, 5))).toBeUndefined()
    expect(unpackMessage(new Uint8Array(0))).toBeUndefined()
  })
})
