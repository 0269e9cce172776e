import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { SEED_BYTES } from './constants.js'
import { encodeDidKey, type SigningAlg } from './did-key.js'
import { InvalidSeedError } from './errors.js'
import { assertValidName } from './room-name.js'
import type { WalletLink } from './schema.js'
import { ed25519SignerOf } from './signature.js'
import { encodeUtf8 } from './utf8.js'
import type { LinkedAccount } from './wallet-link.js'

/**
 * Per-space identities. One 32-byte master seed gives every space its own Ed25519 key
 * (HKDF-SHA256 with the space name as info), so the same seed always yields the same DID
 * in a space, and DIDs of two spaces cannot be linked to each other (3IP-9: "signed by the
 * space-3id"). Signing sits behind `SpaceSigner` so the key can stay in the host context.
 */

const HKDF_SALT = encodeUtf8('ghost-threads/space-key/v1')

/** Signs for one DID. The private key never leaves the object that implements this. */
export interface SpaceSigner {
  readonly did: string
  readonly alg: SigningAlg
  sign(data: Uint8Array): Promise<Uint8Array>
  /**
   * X25519 with this DID's key (Ed25519 keys in their Montgomery form): the secret shared
   * with `publicKey`, so a private room's new secret can be boxed to a DID (room-rekey.ts)
   * without the key leaving the signer. Absent for keys that have none (secp256k1).
   */
  agree?(publicKey: Uint8Array): Promise<Uint8Array>
  /** The wallet link of this DID (GhostSpace.linkWallet), sent with every join and presence. */
  wallet?: HeldWalletLink
}

/** A checked wallet link: the link, the account it names and where it was made, when it ends. */
export interface HeldWalletLink {
  link: WalletLink
  account: LinkedAccount
  expiresAtMs: number
}

/**
 * The signer's wallet link while it holds: an expired one is no longer sent (receivers
 * would ignore every claim carrying it, and the member would vanish from its rooms).
 */
export function heldWalletLink(signer: SpaceSigner, nowMs: number): HeldWalletLink | undefined {
  const wallet = signer.wallet
  return wallet !== undefined && wallet.expiresAtMs > nowMs ? wallet : undefined
}

/** Hands out the signer of a space. */
export interface Identity {
  signerForSpace(space: string): Promise<SpaceSigner>
}

export function generateSeed(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(SEED_BYTES))
}

export function assertValidSeed(seed: unknown): asserts seed is Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) throw new InvalidSeedError()
}

/** The Ed25519 secret key of `space` under `seed`. */
export function deriveSpaceSecretKey(seed: Uint8Array, space: string): Uint8Array {
  assertValidSeed(seed)
  assertValidName('space', space)
  return hkdf(sha256, seed, HKDF_SALT, encodeUtf8(`space:${space}`), 32)
}

export function ed25519Signer(secretKey: Uint8Array): SpaceSigner {
  const publicKey = ed25519.getPublicKey(secretKey)
  return {
    did: encodeDidKey('EdDSA', publicKey),
    alg: 'EdDSA',
    sign: ed25519SignerOf(secretKey, publicKey),
    agree: async (theirs) =>
      x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(secretKey), theirs),
  }
}

export function createSeedIdentity(seed: Uint8Array): Identity {
  assertValidSeed(seed)
  const ownSeed = seed.slice()
  const signers = new Map<string, SpaceSigner>()
  return {
    async signerForSpace(space) {
      let signer = signers.get(space)
      if (signer === undefined) {
        signer = ed25519Signer(deriveSpaceSecretKey(ownSeed, space))
        signers.set(space, signer)
      }
      return signer
    },
  }
}
