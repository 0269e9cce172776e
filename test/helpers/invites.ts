/** A creator for invites in tests that do not rotate their rooms: any Ed25519 did:key. */
import { ed25519 } from '@noble/curves/ed25519.js'
import { encodeDidKey } from '../../src/core/did-key.js'

export const CREATOR = encodeDidKey('EdDSA', ed25519.getPublicKey(ed25519.utils.randomSecretKey()))
