import { ed25519 } from '@noble/curves/ed25519.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64url } from 'multiformats/bases/base64'
import { encodeDidKey } from '../../src/core/did-key.js'
import { randomJti } from '../../src/core/jwt.js'

/**
 * Builds JWTs by hand, byte by byte, so tests can make every kind of bad token a hostile
 * peer could send: wrong keys, edited payloads, odd headers, broken encodings.
 */

const utf8 = new TextEncoder()

export interface TestKey {
  alg: 'EdDSA' | 'ES256K'
  did: string
  secretKey: Uint8Array
}

export function edKey(secretKey = ed25519.utils.randomSecretKey()): TestKey {
  return { alg: 'EdDSA', did: encodeDidKey('EdDSA', ed25519.getPublicKey(secretKey)), secretKey }
}

export function secpKey(secretKey = secp256k1.utils.randomSecretKey()): TestKey {
  return {
    alg: 'ES256K',
    did: encodeDidKey('ES256K', secp256k1.getPublicKey(secretKey, true)),
    secretKey,
  }
}

export function b64(value: unknown): string {
  return base64url.baseEncode(
    utf8.encode(typeof value === 'string' ? value : JSON.stringify(value)),
  )
}

export function signature(key: TestKey, signingInput: string): string {
  const data = utf8.encode(signingInput)
  const sig =
    key.alg === 'EdDSA'
      ? ed25519.sign(data, key.secretKey)
      : secp256k1.sign(sha256(data), key.secretKey, { prehash: false })
  return base64url.baseEncode(sig)
}

/** A JWT with exactly this header and payload, signed by `key`. */
export function forge(
  key: TestKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const input = `${b64({ typ: 'JWT', alg: key.alg, ...header })}.${b64(payload)}`
  return `${input}.${signature(key, input)}`
}

/** Claims of a valid message of `type` in `room`, issued now by `key`. */
export function claims(
  key: TestKey,
  type: string,
  room: string,
  extra: Record<string, unknown> = {},
  nowMs = Date.now(),
): Record<string, unknown> {
  const perType: Record<string, Record<string, unknown>> = {
    join: { peer: TEST_PEER, relays: [], ttl: 65 },
    presence: { peer: TEST_PEER, relays: [], ttl: 65 },
    leave: { peer: TEST_PEER },
    chat: { message: 'hello' },
    request_backlog: {},
  }
  return {
    iat: Math.floor(nowMs / 1000),
    jti: randomJti(),
    iss: key.did,
    type,
    room,
    ...perType[type],
    ...extra,
  }
}

export const TEST_PEER = '12D3KooWForgedPeer0000000000000000000000000000000'
export const ROOM = '3box.chat.v2.testspace.lobby'
export const OTHER_ROOM = '3box.chat.v2.testspace.other'
