import { describe, expect, it, jest } from '@jest/globals'
import { ed25519 } from '@noble/curves/ed25519.js'
import { base58btc } from 'multiformats/bases/base58'
import {
  createSeedIdentity,
  deriveSpaceSecretKey,
  encodeDidKey,
  generateSeed,
  InvalidNameError,
  InvalidSeedError,
  parseDidKey,
  UnsupportedDidError,
} from '../../src/core/index.js'
import { secpKey } from '../helpers/jwt-forge.js'

const seed = Uint8Array.from({ length: 32 }, (_, i) => i)

describe('per-space identity', () => {
  it('gives the same DID for the same seed and space, every time', async () => {
    const a = await createSeedIdentity(seed).signerForSpace('dapp')
    const b = await createSeedIdentity(seed.slice()).signerForSpace('dapp')
    expect(a.did).toBe(b.did)
    expect(a.did).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/)
  })

  it('gives unlinkable DIDs to different spaces and different seeds', async () => {
    const identity = createSeedIdentity(seed)
    const one = await identity.signerForSpace('one')
    const two = await identity.signerForSpace('two')
    const other = await createSeedIdentity(generateSeed()).signerForSpace('one')
    expect(new Set([one.did, two.did, other.did]).size).toBe(3)
    expect(
      Buffer.from(deriveSpaceSecretKey(seed, 'one')).equals(
        Buffer.from(deriveSpaceSecretKey(seed, 'two')),
      ),
    ).toBe(false)
  })

  it('derives a known key (HKDF-SHA256 over the space name), so recovery phrases stay valid across versions', () => {
    expect(Buffer.from(deriveSpaceSecretKey(seed, 'dapp')).toString('hex')).toBe(
      'e19b0909483b8388ae87cca9032218b638adb2b66bce90fc786eb10c0efdbc49',
    )
  })

  it('signs with the key its DID names', async () => {
    const signer = await createSeedIdentity(seed).signerForSpace('dapp')
    const data = new TextEncoder().encode('payload')
    const { publicKey } = parseDidKey(signer.did)
    expect(ed25519.verify(await signer.sign(data), data, publicKey)).toBe(true)
  })

  it('signs in WebCrypto where it has Ed25519, in JavaScript where not, with the same signature', async () => {
    const data = new TextEncoder().encode('payload')
    const importKey = jest.spyOn(globalThis.crypto.subtle, 'importKey')
    const sign = jest.spyOn(globalThis.crypto.subtle, 'sign')
    try {
      const fast = await createSeedIdentity(seed).signerForSpace('webcrypto')
      const signature = await fast.sign(data)
      await fast.sign(data)
      // The key is imported once, on the first signature, and WebCrypto signs.
      expect(importKey).toHaveBeenCalledTimes(1)
      expect(sign).toHaveBeenCalledTimes(2)
      importKey.mockRejectedValueOnce(new Error('Ed25519 is not supported'))
      const slow = await createSeedIdentity(seed).signerForSpace('webcrypto')
      expect(Buffer.from(await slow.sign(data))).toEqual(Buffer.from(signature))
      expect(sign).toHaveBeenCalledTimes(2)
      const { publicKey } = parseDidKey(fast.did)
      expect(ed25519.verify(signature, data, publicKey)).toBe(true)
    } finally {
      importKey.mockRestore()
      sign.mockRestore()
    }
  })

  it('keeps its own copy of the seed', async () => {
    const mutable = seed.slice()
    const identity = createSeedIdentity(mutable)
    const before = (await identity.signerForSpace('fresh-space')).did
    mutable.fill(0)
    expect((await createSeedIdentity(seed).signerForSpace('fresh-space')).did).toBe(before)
  })

  it('refuses seeds that are not 32 bytes and invalid space names', async () => {
    expect(() => createSeedIdentity(new Uint8Array(31))).toThrow(InvalidSeedError)
    expect(() => createSeedIdentity('seed' as unknown as Uint8Array)).toThrow(InvalidSeedError)
    await expect(createSeedIdentity(seed).signerForSpace('bad space')).rejects.toThrow(
      InvalidNameError,
    )
  })
})

describe('did:key', () => {
  it('round-trips Ed25519 and secp256k1 keys', () => {
    const ed = ed25519.getPublicKey(ed25519.utils.randomSecretKey())
    expect(parseDidKey(encodeDidKey('EdDSA', ed))).toEqual({ alg: 'EdDSA', publicKey: ed })
    const secp = secpKey()
    expect(secp.did).toMatch(/^did:key:zQ3s/)
    expect(parseDidKey(secp.did).alg).toBe('ES256K')
  })

  it('rejects other key types and malformed identifiers', () => {
    expect(() => parseDidKey('did:web:example.com')).toThrow(UnsupportedDidError)
    expect(() => parseDidKey('did:key:z0OIl')).toThrow(UnsupportedDidError)
    // multicodec 0xec is an X25519 key: a valid did:key, but not one that signs
    const x25519 = `did:key:${base58btc.encode(Uint8Array.from([0xec, 0x01, ...new Uint8Array(32)]))}`
    expect(() => parseDidKey(x25519)).toThrow(/Unsupported did:key key type 0xec/)
    expect(() => encodeDidKey('EdDSA', new Uint8Array(31))).toThrow(UnsupportedDidError)
  })
})
