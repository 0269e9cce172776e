/**
 * Private rooms' keys and envelopes (issue 25, the first part): an invite link is the
 * room. From its secret (32 random bytes, carried in a URL fragment, never sent to a
 * server) HKDF derives the room's AEAD key and an Ed25519 room key whose public half names
 * the topic, so nothing on the wire says which space or room it is. Every message (a JWT
 * its author signed, as in public rooms) is padded to a fixed bucket, sealed with
 * XChaCha20-Poly1305, and the envelope is signed with the room key: a relay that cannot
 * read it can still check that an invitee made it (the topic holds the key to check with)
 * and refuse an outsider's, and a member opens it and checks the JWT inside as always.
 *
 * Envelope: version (1 byte) ‖ nonce (24) ‖ ciphertext (bucket + 16) ‖ room signature (64)
 * over everything before it and the topic.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes } from '@noble/hashes/utils.js'
import { base58btc } from 'multiformats/bases/base58'
import { base64url } from 'multiformats/bases/base64'
import {
  ENVELOPE_BUCKETS,
  ENVELOPE_LENGTH_BYTES,
  ENVELOPE_NONCE_BYTES,
  ENVELOPE_SIGNATURE_BYTES,
  ENVELOPE_TAG_BYTES,
  ENVELOPE_VERSION,
  INVITE_BYTES,
  INVITE_SECRET_BYTES,
  MAX_CLOCK_SKEW_S,
  PRIVATE_REQUEST_MAX_AGE_S,
  PRIVATE_TOPIC_PREFIX,
} from './constants.js'
import { encodeDidKey, parseDidKey } from './did-key.js'
import { InvalidArgumentError } from './errors.js'
import { inviteProblem } from './invite.js'
import { packMessage, unpackMessage } from './jwt-bytes.js'
import type { PrivateBacklogRequest } from './schema.js'
import { type Ed25519Sign, ed25519SignerOf, SignatureVerifier } from './signature.js'
import { encodeUtf8 } from './utf8.js'

const SALT = encodeUtf8('ghost-threads private room v1')
/** Room keys' WebCrypto handles, as a relay checks many rooms' envelopes. */
const verifier = new SignatureVerifier()

/** Each room key's signer, made once (importing the key is most of WebCrypto's cost). */
const roomSigners = new WeakMap<PrivateRoomKeys, Ed25519Sign>()

/** Signs with the room key (WebCrypto's Ed25519 where the platform has it). */
function signWithRoomKey(keys: PrivateRoomKeys, data: Uint8Array): Promise<Uint8Array> {
  let sign = roomSigners.get(keys)
  if (sign === undefined) {
    sign = ed25519SignerOf(keys.roomSecretKey, keys.roomPublicKey)
    roomSigners.set(keys, sign)
  }
  return sign(data)
}

export interface PrivateRoomKeys {
  /** The opaque topic: the room key's public half, nothing of the space or room. */
  topic: string
  /** What a relay needs to check envelopes, and nothing to read them. */
  roomPublicKey: Uint8Array
  /** @internal members only. */
  roomSecretKey: Uint8Array
  /** @internal members only. */
  aeadKey: Uint8Array
}

/**
 * A fresh invite, for a URL fragment: a random secret and the Ed25519 key of `creatorDid`,
 * the one member whose word moves the room to a new invite (thread-rotation.ts), in
 * base64url (86 characters). Both go into every key derived, so an invite naming another
 * creator opens another room.
 */
export function newInvite(creatorDid: string): string {
  const secret = globalThis.crypto.getRandomValues(new Uint8Array(INVITE_SECRET_BYTES))
  return inviteWith(secret, creatorDid)
}

/** The invite of `secret` in the room `creatorDid` made. */
export function inviteWith(secret: Uint8Array, creatorDid: string): string {
  const { alg, publicKey } = parseDidKey(creatorDid)
  if (alg !== 'EdDSA')
    throw new InvalidArgumentError(
      `A private room's creator needs an Ed25519 did:key (${creatorDid} is ${alg}): rotating a room boxes its new secret to Ed25519 keys`,
    )
  const bytes = new Uint8Array(INVITE_BYTES)
  bytes.set(secret.subarray(0, INVITE_SECRET_BYTES))
  bytes.set(publicKey, INVITE_SECRET_BYTES)
  return base64url.baseEncode(bytes)
}

/** The DID of the room's creator, as its invite names it. */
export function inviteCreator(invite: string): string {
  return encodeDidKey('EdDSA', inviteSecret(invite).subarray(INVITE_SECRET_BYTES))
}

/** An invite's bytes (its secret and creator key), or an InvalidArgumentError that says what an invite is. */
export function inviteSecret(invite: unknown): Uint8Array {
  const problem = inviteProblem(invite)
  if (problem !== undefined) throw new InvalidArgumentError(problem)
  return base64url.baseDecode(invite as string)
}

/**
 * Everything a member derives from the invite's secret, in `space`: the same invite opens
 * another room in another space (a dapp's rooms are its space's; a link carried to another
 * dapp opens nothing there), and receivers check wallet links against the space as in
 * public rooms.
 */
export function privateRoomKeys(secret: Uint8Array, space: string): PrivateRoomKeys {
  const derive = (label: string) =>
    hkdf(sha256, secret, SALT, encodeUtf8(`${label} in space ${space}`), 32)
  const roomSecretKey = derive('room signing key')
  const roomPublicKey = ed25519.getPublicKey(roomSecretKey)
  return {
    topic: privateTopic(roomPublicKey),
    roomPublicKey,
    roomSecretKey,
    aeadKey: derive('message key'),
  }
}

function privateTopic(roomPublicKey: Uint8Array): string {
  return `${PRIVATE_TOPIC_PREFIX}.${base58btc.encode(roomPublicKey)}`
}

/** The room public key a private topic names, or undefined when it names none. */
export function roomKeyOfTopic(topic: string): Uint8Array | undefined {
  if (!topic.startsWith(`${PRIVATE_TOPIC_PREFIX}.`)) return undefined
  try {
    const key = base58btc.decode(topic.slice(PRIVATE_TOPIC_PREFIX.length + 1))
    return key.length === 32 ? key : undefined
  } catch {
    return undefined
  }
}

/** The smallest bucket a message of `length` bytes fits in (with its length prefix). */
export function bucketFor(length: number): number | undefined {
  return ENVELOPE_BUCKETS.find((bucket) => bucket >= length + ENVELOPE_LENGTH_BYTES)
}

/**
 * Packs (a JWT as its decoded parts, jwt-bytes.ts), pads, seals and signs one message for
 * the room; a message past the largest bucket is refused.
 */
export async function seal(keys: PrivateRoomKeys, message: Uint8Array): Promise<Uint8Array> {
  const packed = packMessage(message)
  const bucket = bucketFor(packed.length)
  if (bucket === undefined)
    throw new InvalidArgumentError(
      `A private room's message is at most ${(ENVELOPE_BUCKETS.at(-1) as number) - ENVELOPE_LENGTH_BYTES} bytes once packed (a JWT as its decoded parts); send less`,
    )
  const padded = new Uint8Array(bucket)
  new DataView(padded.buffer).setUint32(0, packed.length)
  padded.set(packed, ENVELOPE_LENGTH_BYTES)
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(ENVELOPE_NONCE_BYTES))
  const header = Uint8Array.of(ENVELOPE_VERSION)
  const ciphertext = xchacha20poly1305(keys.aeadKey, nonce, header).encrypt(padded)
  const body = concatBytes(header, nonce, ciphertext)
  const signature = await signWithRoomKey(keys, signedPart(body, keys.topic))
  return concatBytes(body, signature)
}

/** An envelope's parts, or undefined when it is not one (another version, a bucket's size). */
function envelopeParts(envelope: Uint8Array) {
  const sealed =
    envelope.length - 1 - ENVELOPE_NONCE_BYTES - ENVELOPE_TAG_BYTES - ENVELOPE_SIGNATURE_BYTES
  if (envelope[0] !== ENVELOPE_VERSION) return undefined
  if (!(ENVELOPE_BUCKETS as readonly number[]).includes(sealed)) return undefined
  const bodyEnd = envelope.length - ENVELOPE_SIGNATURE_BYTES
  return {
    header: envelope.subarray(0, 1),
    nonce: envelope.subarray(1, 1 + ENVELOPE_NONCE_BYTES),
    ciphertext: envelope.subarray(1 + ENVELOPE_NONCE_BYTES, bodyEnd),
    body: envelope.subarray(0, bodyEnd),
    signature: envelope.subarray(bodyEnd),
  }
}

/**
 * What a relay checks without reading: the envelope has a known version, a bucket's size
 * and the room key's signature (the topic names the key). False for anything else.
 */
export async function isRoomEnvelope(topic: string, envelope: Uint8Array): Promise<boolean> {
  const parts = envelopeParts(envelope)
  if (parts === undefined) return false
  return signedByRoomKey(topic, signedPart(parts.body, topic), parts.signature)
}

/** A member opens an envelope: the message inside, or undefined when it is not this room's. */
export async function open(
  keys: PrivateRoomKeys,
  envelope: Uint8Array,
): Promise<Uint8Array | undefined> {
  return (await isRoomEnvelope(keys.topic, envelope)) ? decrypt(keys, envelope) : undefined
}

/**
 * The message inside an envelope whose room signature was checked already (by the relay
 * that forwarded it) or need not be: the AEAD tag alone proves a holder of the secret
 * sealed it. Undefined when it does not open.
 */
export function decrypt(keys: PrivateRoomKeys, envelope: Uint8Array): Uint8Array | undefined {
  const parts = envelopeParts(envelope)
  if (parts === undefined) return undefined
  let padded: Uint8Array
  try {
    padded = xchacha20poly1305(keys.aeadKey, parts.nonce, parts.header).decrypt(parts.ciphertext)
  } catch {
    return undefined
  }
  const length = new DataView(padded.buffer, padded.byteOffset).getUint32(0)
  if (length > padded.length - ENVELOPE_LENGTH_BYTES) return undefined
  return unpackMessage(padded.subarray(ENVELOPE_LENGTH_BYTES, ENVELOPE_LENGTH_BYTES + length))
}

/**
 * A newcomer's question to a relay for the envelopes it kept (a relay cannot read a
 * `request_backlog`): signed with the room key for the asking peer and the second it was
 * made, so only an invitee asks, and a request seen once cannot be sent again by another.
 */
export function signRoomRequest(
  keys: PrivateRoomKeys,
  peer: string,
  atS: number,
  sinceS?: number,
): PrivateBacklogRequest {
  const request = { topic: keys.topic, at: atS, ...(sinceS === undefined ? {} : { since: sinceS }) }
  const signature = ed25519.sign(requestBytes(request, peer), keys.roomSecretKey)
  return { ...request, signature: base64url.baseEncode(signature) }
}

/** What a relay checks of a request: the room key signed it for `from`, within the last minute. */
export async function isRoomRequest(
  request: PrivateBacklogRequest,
  from: string,
  nowS: number,
): Promise<boolean> {
  const age = nowS - request.at
  if (age > PRIVATE_REQUEST_MAX_AGE_S || age < -MAX_CLOCK_SKEW_S) return false
  let signature: Uint8Array
  try {
    signature = base64url.baseDecode(request.signature)
  } catch {
    return false
  }
  return signedByRoomKey(request.topic, requestBytes(request, from), signature)
}

/**
 * Whether the room key `topic` names signed `data`: checked with WebCrypto where the
 * platform has Ed25519 (the JS one took 2 ms at a relay, this 0.2 ms), as JWTs are.
 */
function signedByRoomKey(topic: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = roomKeyOfTopic(topic)
  if (key === undefined) return Promise.resolve(false)
  const roomDid = encodeDidKey('EdDSA', key)
  return verifier.verify(roomDid, 'EdDSA', data, signature).catch(() => false)
}

function requestBytes(request: Omit<PrivateBacklogRequest, 'signature'>, peer: string): Uint8Array {
  const { topic, at, since } = request
  return encodeUtf8(`ghost-threads private backlog\n${topic}\n${peer}\n${at}\n${since ?? ''}`)
}

/** The room signature covers the topic too: an envelope is valid in one room only. */
function signedPart(body: Uint8Array, topic: string): Uint8Array {
  return concatBytes(encodeUtf8(topic), body)
}
