import { createJWT } from 'did-jwt'
import { base64url } from 'multiformats/bases/base64'
import { JTI_BYTES } from './constants.js'
import type { SpaceSigner } from './identity.js'
import type { Claims } from './schema.js'
import { decodeUtf8, encodeUtf8 } from './utf8.js'

/**
 * Ghost-thread JWTs are ordinary compact JWS tokens made by did-jwt, so any did-jwt
 * verifier accepts them. Decoding is done here rather than with did-jwt's decodeJWT so
 * that each way a token can be malformed gets its own rejection reason.
 */

/** The claims a caller provides; `iss`, `iat` and `jti` are added when signing. */
export type UnsignedClaims = Claims extends infer C
  ? C extends Claims
    ? Omit<C, 'iss' | 'iat' | 'jti'>
    : never
  : never

export function randomJti(): string {
  return base64url.baseEncode(globalThis.crypto.getRandomValues(new Uint8Array(JTI_BYTES)))
}

export type SignedClaims<C extends UnsignedClaims> = C & { iss: string; iat: number; jti: string }

export async function signClaims<C extends UnsignedClaims>(
  signer: SpaceSigner,
  claims: C,
  nowMs: number,
): Promise<{ jwt: string; claims: SignedClaims<C> }> {
  const full = { ...claims, iss: signer.did, iat: Math.floor(nowMs / 1000), jti: randomJti() }
  const jwt = await createJWT(
    full,
    {
      issuer: signer.did,
      alg: signer.alg,
      signer: async (data) => {
        const bytes = typeof data === 'string' ? encodeUtf8(data) : data
        return base64url.baseEncode(await signer.sign(bytes))
      },
    },
    { typ: 'JWT', alg: signer.alg },
  )
  return { jwt, claims: full }
}

export interface DecodedJwt {
  header: unknown
  payload: unknown
  signingInput: Uint8Array
  signature: Uint8Array
}

export type DecodeFailure = {
  reason: 'malformed-jwt' | 'malformed-base64' | 'malformed-json'
  detail: string
}

export function decodeCompactJwt(jwt: string): DecodedJwt | DecodeFailure {
  const parts = jwt.split('.')
  if (parts.length !== 3) {
    return { reason: 'malformed-jwt', detail: `a JWT has 3 parts, this has ${parts.length}` }
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  let headerBytes: Uint8Array
  let payloadBytes: Uint8Array
  let signature: Uint8Array
  try {
    headerBytes = base64url.baseDecode(headerPart)
    payloadBytes = base64url.baseDecode(payloadPart)
    signature = base64url.baseDecode(signaturePart)
  } catch (err) {
    return { reason: 'malformed-base64', detail: (err as Error).message }
  }
  let header: unknown
  let payload: unknown
  try {
    header = JSON.parse(decodeUtf8(headerBytes) ?? '\u0000')
    payload = JSON.parse(decodeUtf8(payloadBytes) ?? '\u0000')
  } catch (err) {
    return { reason: 'malformed-json', detail: (err as Error).message }
  }
  return {
    header,
    payload,
    signingInput: encodeUtf8(`${headerPart}.${payloadPart}`),
    signature,
  }
}

/** The `room` claim of a JWT without verifying it: only to route a request to its thread. */
export function peekRoom(jwt: string): string | undefined {
  const room = peekPayload(jwt)?.room
  return typeof room === 'string' ? room : undefined
}

/** A JWT's payload, its signature not checked: for routing and sorting, never for trust. */
export function peekPayload(jwt: string): Record<string, unknown> | undefined {
  const decoded = decodeCompactJwt(jwt)
  if ('reason' in decoded) return undefined
  const payload = decoded.payload
  return typeof payload === 'object' && payload !== null
    ? (payload as Record<string, unknown>)
    : undefined
}
