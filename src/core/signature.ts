import { ed25519 } from '@noble/curves/ed25519.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64url } from 'multiformats/bases/base64'
import QuickLRU from 'quick-lru'
import { KEY_CACHE_CAPACITY } from './constants.js'
import { parseDidKey, type SigningAlg, UnsupportedDidError } from './did-key.js'

/**
 * Verifies JWT signatures of did:key issuers.
 *
 * Why not did-jwt's verifyJWT: with a did:key resolver it managed ~560 tokens/s here,
 * while native Ed25519 in WebCrypto (Node 20, Chrome ≥ 137) verifies ~9,000/s, and a
 * relay checks every message it forwards. The token format is did-jwt's; only the check
 * is faster. Issuer keys are parsed and imported once and cached.
 */

type VerifyFn = (signingInput: Uint8Array, signature: Uint8Array) => Promise<boolean>

interface CachedKey {
  alg: SigningAlg
  verify: VerifyFn
}

let webCryptoEd25519: boolean | undefined

async function importEd25519(publicKey: Uint8Array): Promise<VerifyFn> {
  const subtle = globalThis.crypto?.subtle
  if (subtle !== undefined && webCryptoEd25519 !== false) {
    try {
      const key = await subtle.importKey(
        'raw',
        publicKey as Uint8Array<ArrayBuffer>,
        { name: 'Ed25519' },
        false,
        ['verify'],
      )
      webCryptoEd25519 = true
      return (data, sig) =>
        subtle.verify(
          { name: 'Ed25519' },
          key,
          sig as Uint8Array<ArrayBuffer>,
          data as Uint8Array<ArrayBuffer>,
        )
    } catch {
      // Browsers before Chrome 137 lack Ed25519 in WebCrypto: fall back to JavaScript.
      webCryptoEd25519 = false
    }
  }
  return async (data, sig) => ed25519.verify(sig, data, publicKey)
}

/** Signs bytes with one Ed25519 key. */
export type Ed25519Sign = (data: Uint8Array) => Promise<Uint8Array>

/**
 * A signer for the Ed25519 key `secretKey` (its seed) and `publicKey`: WebCrypto's where
 * the platform has Ed25519 (0.11–0.13 ms a signature here with the await, the JavaScript
 * one 0.45–0.48 ms, on every message a member sends), else JavaScript. The same key gives
 * the same signature either way (Ed25519 is deterministic). The key is imported on the
 * first signature (a space opened only to read signs nothing), once, not extractable, and
 * never leaves this context.
 */
export function ed25519SignerOf(secretKey: Uint8Array, publicKey: Uint8Array): Ed25519Sign {
  let imported: Promise<Ed25519Sign> | undefined
  return async (data) => {
    imported ??= importEd25519Signer(secretKey, publicKey)
    return (await imported)(data)
  }
}

async function importEd25519Signer(
  secretKey: Uint8Array,
  publicKey: Uint8Array,
): Promise<Ed25519Sign> {
  const subtle = globalThis.crypto?.subtle
  const jwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    d: base64url.baseEncode(secretKey),
    x: base64url.baseEncode(publicKey),
  }
  try {
    if (subtle === undefined) throw new Error('no WebCrypto')
    const key = await subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign'])
    return async (data) =>
      new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, data as Uint8Array<ArrayBuffer>))
  } catch {
    // Browsers before Chrome 137 lack Ed25519 in WebCrypto.
    return async (data) => ed25519.sign(data, secretKey)
  }
}

function secp256k1Verifier(publicKey: Uint8Array): VerifyFn {
  // did-jwt's ES256K signs sha256(signingInput) and sends r||s (64 bytes).
  return async (data, sig) =>
    sig.length === 64 && secp256k1.verify(sig, sha256(data), publicKey, { prehash: false })
}

export class SignatureVerifier {
  private readonly keys: QuickLRU<string, Promise<CachedKey>>

  constructor(capacity = KEY_CACHE_CAPACITY) {
    this.keys = new QuickLRU({ maxSize: capacity })
  }

  /**
   * True when `signature` is `did`'s signature of `signingInput` under `alg`. Throws
   * UnsupportedDidError for issuers we cannot verify (not a did:key, unknown key type).
   */
  async verify(
    did: string,
    alg: string,
    signingInput: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean> {
    const key = await this.keyOf(did)
    if (key.alg !== alg) return false
    try {
      return await key.verify(signingInput, signature)
    } catch {
      return false
    }
  }

  private keyOf(did: string): Promise<CachedKey> {
    let key = this.keys.get(did)
    if (key === undefined) {
      key = this.load(did)
      this.keys.set(did, key)
      key.catch(() => this.keys.delete(did))
    }
    return key
  }

  private async load(did: string): Promise<CachedKey> {
    const { alg, publicKey } = parseDidKey(did)
    if (alg === 'EdDSA') return { alg, verify: await importEd25519(publicKey) }
    return { alg, verify: secp256k1Verifier(publicKey) }
  }
}

export { UnsupportedDidError }
