/**
 * A private room's new secret, boxed to each member its creator keeps (issue 25): one
 * fresh X25519 key per rotation; for each member, X25519 with its DID's key (Ed25519 in
 * Montgomery form), HKDF into a key of its own, and XChaCha20-Poly1305 over the 32-byte
 * secret. The key is used once, so the nonce may be fixed; the box names its recipient
 * and the rotation in its associated data, so it opens for that member of that rotation
 * only. A member opens its box with its signer (SpaceSigner.agree): the key stays there.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { base64url } from 'multiformats/bases/base64'
import { INVITE_SECRET_BYTES } from './constants.js'
import { parseDidKey } from './did-key.js'
import type { SpaceSigner } from './identity.js'
import { encodeUtf8 } from './utf8.js'

const SALT = encodeUtf8('ghost-threads room rekey v1')
/** Each box has a key of its own: a fixed nonce is safe. */
const NONCE = new Uint8Array(24)

export interface RekeyBoxes {
  /** The rotation's X25519 public key, base64url. */
  eph: string
  boxes: { to: string; box: string }[]
}

/** The new secret boxed to each of `members` (Ed25519 did:keys; others are left out). */
export function boxSecret(secret: Uint8Array, members: string[], rotation: string): RekeyBoxes {
  const ephSecret = x25519.utils.randomSecretKey()
  const eph = x25519.getPublicKey(ephSecret)
  const boxes = members.flatMap((did) => {
    const theirs = montgomeryKeyOf(did)
    if (theirs === undefined) return []
    const shared = x25519.getSharedSecret(ephSecret, theirs)
    const box = boxCipher(shared, eph, did, rotation).encrypt(secret)
    return [{ to: did, box: base64url.baseEncode(box) }]
  })
  return { eph: base64url.baseEncode(eph), boxes }
}

/** Our box of a rotation opened with our signer: the new secret, or undefined. */
export async function openBox(
  signer: SpaceSigner,
  rekey: { eph: string; boxes: { to: string; box: string }[]; rotation: string },
): Promise<Uint8Array | undefined> {
  const ours = rekey.boxes.find((box) => box.to === signer.did)
  if (ours === undefined || signer.agree === undefined) return undefined
  try {
    const eph = base64url.baseDecode(rekey.eph)
    const shared = await signer.agree(eph)
    const secret = boxCipher(shared, eph, signer.did, rekey.rotation).decrypt(
      base64url.baseDecode(ours.box),
    )
    return secret.length === INVITE_SECRET_BYTES ? secret : undefined
  } catch {
    return undefined
  }
}

function boxCipher(shared: Uint8Array, eph: Uint8Array, did: string, rotation: string) {
  const key = hkdf(sha256, shared, SALT, eph, 32)
  return xchacha20poly1305(key, NONCE, encodeUtf8(`${did}\n${rotation}`))
}

function montgomeryKeyOf(did: string): Uint8Array | undefined {
  try {
    const { alg, publicKey } = parseDidKey(did)
    return alg === 'EdDSA' ? ed25519.utils.toMontgomery(publicKey) : undefined
  } catch {
    return undefined
  }
}
