import { varint } from 'multiformats'
import { base58btc } from 'multiformats/bases/base58'
import { ErrorCode, GhostThreadsError } from './errors.js'

/**
 * did:key (https://w3c-ccg.github.io/did-method-key/) for the two key types we accept:
 * Ed25519 (our own per-space keys, JWT alg EdDSA) and secp256k1 (ES256K, the key type of
 * Ethereum wallets and the 3box era). A did:key carries its public key, so verifying needs
 * no resolver and no network.
 */

export type SigningAlg = 'EdDSA' | 'ES256K'

/** multicodec codes: ed25519-pub and secp256k1-pub (compressed). */
const CODECS = {
  EdDSA: { code: 0xed, keyLength: 32 },
  ES256K: { code: 0xe7, keyLength: 33 },
} as const

export interface DidKey {
  alg: SigningAlg
  publicKey: Uint8Array
}

export class UnsupportedDidError extends GhostThreadsError {
  static override name = 'UnsupportedDidError'
  constructor(message = 'Only did:key issuers with Ed25519 or secp256k1 keys are accepted') {
    super(message, ErrorCode.invalidParams)
  }
}

export function encodeDidKey(alg: SigningAlg, publicKey: Uint8Array): string {
  const { code, keyLength } = CODECS[alg]
  if (publicKey.length !== keyLength) {
    throw new UnsupportedDidError(
      `A ${alg} public key has ${keyLength} bytes, got ${publicKey.length}`,
    )
  }
  const prefixLength = varint.encodingLength(code)
  const bytes = new Uint8Array(prefixLength + publicKey.length)
  varint.encodeTo(code, bytes, 0)
  bytes.set(publicKey, prefixLength)
  return `did:key:${base58btc.encode(bytes)}`
}

export function parseDidKey(did: string): DidKey {
  if (!did.startsWith('did:key:z')) throw new UnsupportedDidError(`Not a base58btc did:key: ${did}`)
  let bytes: Uint8Array
  try {
    bytes = base58btc.decode(did.slice('did:key:'.length))
  } catch {
    throw new UnsupportedDidError(`Malformed did:key: ${did}`)
  }
  const [code, prefixLength] = varint.decode(bytes)
  for (const alg of Object.keys(CODECS) as SigningAlg[]) {
    const codec = CODECS[alg]
    if (codec.code !== code) continue
    const publicKey = bytes.subarray(prefixLength)
    if (publicKey.length !== codec.keyLength) {
      throw new UnsupportedDidError(`did:key ${alg} key has the wrong length: ${did}`)
    }
    return { alg, publicKey }
  }
  throw new UnsupportedDidError(`Unsupported did:key key type 0x${code.toString(16)}`)
}
