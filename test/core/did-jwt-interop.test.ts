import { describe, expect, it } from '@jest/globals'
import { verifyJWT } from 'did-jwt'
import { Resolver } from 'did-resolver'
import { base58btc } from 'multiformats/bases/base58'
import { createSeedIdentity, parseDidKey, signClaims } from '../../src/core/index.js'

/**
 * Our tokens are plain did-jwt tokens: did-jwt's own verifier, given a did:key document,
 * accepts them. (We verify with WebCrypto for speed; the format is did-jwt's.)
 */
const didKeyResolver = new Resolver({
  key: async (did) => {
    const { publicKey } = parseDidKey(did)
    const id = `${did}#${did.slice('did:key:'.length)}`
    return {
      didResolutionMetadata: { contentType: 'application/did+ld+json' },
      didDocumentMetadata: {},
      didDocument: {
        id: did,
        verificationMethod: [
          {
            id,
            type: 'Ed25519VerificationKey2020',
            controller: did,
            publicKeyMultibase: base58btc.encode(publicKey),
          },
        ],
        authentication: [id],
        assertionMethod: [id],
      },
    }
  },
})

async function signedChat() {
  const signer = await createSeedIdentity(new Uint8Array(32).fill(5)).signerForSpace('interop')
  const { jwt } = await signClaims(
    signer,
    { type: 'chat', room: '3box.chat.v2.interop.room', message: 'hi' },
    Date.now(),
  )
  return { signer, jwt }
}

describe('did-jwt interoperability', () => {
  it('did-jwt’s verifyJWT accepts a ghost-thread JWT and names its issuer', async () => {
    const { signer, jwt } = await signedChat()
    const verified = await verifyJWT(jwt, { resolver: didKeyResolver })
    expect(verified.issuer).toBe(signer.did)
    expect(verified.payload).toMatchObject({
      type: 'chat',
      message: 'hi',
      room: '3box.chat.v2.interop.room',
    })
  })

  it('and rejects it when the payload was edited', async () => {
    const { signer, jwt } = await signedChat()
    const [header, , signature] = jwt.split('.')
    const edited = Buffer.from(
      JSON.stringify({ iss: signer.did, type: 'chat', message: 'bye' }),
    ).toString('base64url')
    await expect(
      verifyJWT(`${header}.${edited}.${signature}`, { resolver: didKeyResolver }),
    ).rejects.toThrow(/invalid_signature/)
  })
})
