/**
 * A compact JWT as bytes, for what a private room seals (issue 25): its three base64url
 * parts decoded, so the envelope carries three quarters of the text (a 590-byte presence
 * in 448 bytes) and the smallest padding bucket holds every small message. Opening gives
 * back the very same text, so the signature inside is checked over what was signed; a
 * message that is not a JWT in canonical base64url travels as it is.
 */
import { base64url } from 'multiformats/bases/base64'
import { MAX_PACKED_PART_BYTES, PACKED_AS_IS, PACKED_JWT_PARTS } from './constants.js'
import { decodeUtf8, encodeUtf8 } from './utf8.js'

/** The bytes to seal for `message`: a JWT's parts decoded, or the message as it is. */
export function packMessage(message: Uint8Array): Uint8Array {
  const parts = jwtParts(message)
  if (parts === undefined) return prefixed(PACKED_AS_IS, message)
  const [header, payload, signature] = parts
  const packed = new Uint8Array(1 + 2 + header.length + 2 + payload.length + signature.length)
  const view = new DataView(packed.buffer)
  packed[0] = PACKED_JWT_PARTS
  view.setUint16(1, header.length)
  packed.set(header, 3)
  view.setUint16(3 + header.length, payload.length)
  packed.set(payload, 5 + header.length)
  packed.set(signature, 5 + header.length + payload.length)
  return packed
}

/** The message `packMessage` was given; undefined when `packed` is not one it made. */
export function unpackMessage(packed: Uint8Array): Uint8Array | undefined {
  if (packed[0] === PACKED_AS_IS) return packed.slice(1)
  if (packed[0] !== PACKED_JWT_PARTS || packed.length < 5) return undefined
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength)
  const headerEnd = 3 + view.getUint16(1)
  if (headerEnd + 2 > packed.length) return undefined
  const payloadEnd = headerEnd + 2 + view.getUint16(headerEnd)
  if (payloadEnd > packed.length) return undefined
  const text = [
    packed.subarray(3, headerEnd),
    packed.subarray(headerEnd + 2, payloadEnd),
    packed.subarray(payloadEnd),
  ]
    .map((part) => base64url.baseEncode(part))
    .join('.')
  return encodeUtf8(text)
}

/** A compact JWT's three parts as bytes, when each is canonical base64url (it re-encodes the same). */
function jwtParts(message: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] | undefined {
  const text = decodeUtf8(message)
  const parts = text?.split('.')
  if (parts?.length !== 3) return undefined
  try {
    const decoded = parts.map((part) => base64url.baseDecode(part))
    const canonical = decoded.every((bytes, at) => base64url.baseEncode(bytes) === parts[at])
    const fits =
      (decoded[0]?.length ?? 0) <= MAX_PACKED_PART_BYTES &&
      (decoded[1]?.length ?? 0) <= MAX_PACKED_PART_BYTES
    return canonical && fits ? (decoded as [Uint8Array, Uint8Array, Uint8Array]) : undefined
  } catch {
    return undefined
  }
}

function prefixed(kind: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + bytes.length)
  out[0] = kind
  out.set(bytes, 1)
  return out
}
