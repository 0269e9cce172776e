/**
 * An Ed25519 signer on Node's native crypto (WebCrypto), for the load generators of
 * `bench:scale`: one process signs for thousands of members (background rooms' presences,
 * light members' joins), which JavaScript signing could not keep up with.
 */
import { encodeDidKey, type SpaceSigner } from '../../src/core/index.js'

export async function nativeSigner(): Promise<SpaceSigner> {
  const { subtle } = globalThis.crypto
  const keys = (await subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const publicKey = new Uint8Array(await subtle.exportKey('raw', keys.publicKey))
  return {
    did: encodeDidKey('EdDSA', publicKey),
    alg: 'EdDSA',
    sign: async (data) =>
      new Uint8Array(await subtle.sign({ name: 'Ed25519' }, keys.privateKey, new Uint8Array(data))),
  }
}
