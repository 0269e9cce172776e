import { describe, expect, it } from '@jest/globals'
import { Wallet } from 'ethers'
import { LINK_CHECK_RATE } from '../../src/core/constants.js'
import { GhostSpace } from '../../src/core/ghost-threads.js'
import { createSeedIdentity, heldWalletLink } from '../../src/core/identity.js'
import { MemoryHub } from '../../src/core/memory-transport.js'
import { ReceiptRules } from '../../src/core/receipt-rules.js'
import { topicFor } from '../../src/core/room-name.js'
import {
  composeLinkMessage,
  type LinkRequest,
  LinkVerifier,
  linkHoldsFor,
  newLinkMessage,
  siteOf,
  type WalletLink,
} from '../../src/core/wallet-link.js'
import { claims, edKey, forge, type TestKey } from '../helpers/jwt-forge.js'
import { closeAll, joinPeer } from '../helpers/room.js'
import { waitFor } from '../helpers/wait.js'

const NOW = Date.parse('2026-11-30T12:00:00Z')
const DID = 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH'
const OTHER_DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const wallet = Wallet.createRandom()

function request(extra: Partial<LinkRequest> = {}): LinkRequest {
  return {
    domain: 'dapp.example',
    uri: 'https://dapp.example',
    address: wallet.address,
    chainId: 1,
    did: DID,
    space: 'chat',
    nonce: 'n0nce12345',
    issuedAt: new Date(NOW - 60_000),
    expirationTime: new Date(NOW + 3_600_000),
    ...extra,
  }
}

async function link(extra: Partial<LinkRequest> = {}, signer = wallet): Promise<WalletLink> {
  const message = composeLinkMessage(request(extra))
  return { message, signature: await signer.signMessage(message) }
}

const expected = { did: DID, space: 'chat', nowMs: NOW }

describe('wallet links (EIP-4361 messages signed with EIP-191)', () => {
  it('compose a SIWE message naming origin, chain, nonce, times, the DID and the space', () => {
    const text = composeLinkMessage(request())
    expect(text).toContain('dapp.example wants you to sign in with your Ethereum account:')
    expect(text).toContain(wallet.address)
    for (const line of [
      'URI: https://dapp.example',
      'Chain ID: 1',
      'Nonce: n0nce12345',
      `- ${DID}`,
      '- ghost-threads:space:chat',
    ])
      expect(text).toContain(line)
  })

  it('accept a link signed by the account it names, for its DID and space, until it expires', async () => {
    const verdict = await new LinkVerifier().check(await link(), expected)
    expect(verdict).toEqual({
      ok: true,
      account: { address: wallet.address, linkedOn: { domain: 'dapp.example', chainId: 1 } },
      expiresAtMs: NOW + 3_600_000,
    })
  })

  it('is made only on a site: a page with no http(s) origin gets a named error', () => {
    const made = (origin: string) => () =>
      newLinkMessage({
        origin,
        address: wallet.address,
        chainId: 1,
        did: OTHER_DID,
        space: 'testspace',
        nowMs: NOW,
        validDays: 1,
      })
    expect(made('https://dapp.example:8443')()).toContain('dapp.example:8443 wants you to sign in')
    for (const origin of ['null', 'file:///home/me/dapp.html', 'chrome-extension://abc'])
      expect(made(origin)).toThrow(expect.objectContaining({ name: 'WalletLinkError' }))
    expect(siteOf('http://127.0.0.1:8080')).toBe('127.0.0.1:8080')
    expect(siteOf('null')).toBeUndefined()
  })

  it('counts a link only for a viewer on its site, and on its chain when the viewer names one', () => {
    const linkedOn = { domain: 'dapp.example', chainId: 10 }
    expect(linkHoldsFor(linkedOn, { domain: 'dapp.example' })).toBe(true)
    expect(linkHoldsFor(linkedOn, { domain: 'dapp.example', chainId: 10 })).toBe(true)
    expect(linkHoldsFor(linkedOn, { domain: 'dapp.example', chainId: 1 })).toBe(false)
    expect(linkHoldsFor(linkedOn, { domain: 'evil.example' })).toBe(false)
    // A port is part of the site: another port on the same host is another origin.
    expect(linkHoldsFor(linkedOn, { domain: 'dapp.example:8080' })).toBe(false)
    expect(linkHoldsFor(linkedOn, { domain: 'sub.dapp.example' })).toBe(false)
  })

  it('refuse every other case by name', async () => {
    const verifier = new LinkVerifier()
    const good = await link()
    const reasons = async (...cases: [WalletLink, typeof expected][]) =>
      Promise.all(
        cases.map(async ([l, e]) => {
          const verdict = await verifier.check(l, e)
          return verdict.ok ? 'ok' : verdict.reason
        }),
      )
    const otherWallet = Wallet.createRandom()
    expect(
      await reasons(
        // Copied to another DID, another space.
        [good, { ...expected, did: OTHER_DID }],
        [good, { ...expected, space: 'elsewhere' }],
        // Expired, and issued in the future.
        [good, { ...expected, nowMs: NOW + 3_600_001 }],
        [
          await link({
            issuedAt: new Date(NOW + 3_600_000),
            expirationTime: new Date(NOW + 7_200_000),
          }),
          expected,
        ],
        // Signed by another account than the one it names.
        [await link({}, otherWallet), expected],
        // Edited after signing.
        [{ ...good, message: good.message.replace('Chain ID: 1', 'Chain ID: 5') }, expected],
        // Not a SIWE message, and one without an expiration.
        [{ ...good, message: 'hello' }, expected],
        [
          await (async () => {
            const message = composeLinkMessage(request()).replace(/\nExpiration Time: [^\n]*/, '')
            return { message, signature: await wallet.signMessage(message) }
          })(),
          expected,
        ],
      ),
    ).toEqual([
      'link-mismatch',
      'link-mismatch',
      'link-expired',
      'link-expired',
      'bad-link-signature',
      'bad-link-signature',
      'malformed-link',
      'malformed-link',
    ])
  })
})

describe('fresh links are a budgeted cost (issue 22)', () => {
  it('checks at most a few new links per DID and per peer; a link checked once costs nothing after; a relay is not held per peer', async () => {
    const rules = new ReceiptRules({ now: () => NOW })
    const topic = topicFor('chat', 'lobby')
    const presence = (key: TestKey, linked: WalletLink) =>
      forge(key, claims(key, 'presence', topic, { link: linked }, NOW))
    const forDid = (key: TestKey) => ({ did: key.did, nonce: `n${Math.random()}`.replace('.', '') })
    const live = (from: string, fromRelay = false) => ({
      topic,
      channel: 'pubsub' as const,
      from,
      fromRelay,
    })
    // One DID, a new link in each presence: the first LINK_CHECK_RATE.perDid.burst are checked.
    const alice = edKey()
    const verdicts: string[] = []
    for (let i = 0; i < LINK_CHECK_RATE.perDid.burst + 2; i++) {
      const signer = Wallet.createRandom()
      const fresh = await link({ ...forDid(alice), address: signer.address }, signer)
      const verdict = await rules.check(presence(alice, fresh), live(`QmPeerA${i}`.padEnd(30, '0')))
      verdicts.push(verdict.action === 'accept' ? 'accept' : `${verdict.action}:${verdict.reason}`)
    }
    expect(verdicts).toEqual([
      ...Array(LINK_CHECK_RATE.perDid.burst).fill('accept'),
      'ignore:rate-limited-link',
      'ignore:rate-limited-link',
    ])
    // A link checked before is cheap: never budgeted, however often it comes.
    const bob = edKey()
    const bobs = await link(forDid(bob))
    expect((await rules.check(presence(bob, bobs), live('QmPeerB'.padEnd(30, '0')))).action).toBe(
      'accept',
    )
    for (let i = 0; i < 10; i++)
      expect(
        (await rules.check(presence(bob, bobs), live(`QmPeerB${i}`.padEnd(30, '0')))).action,
      ).toBe('accept')
    // One peer handing on fresh DIDs with fresh links: held to LINK_CHECK_RATE.perPeer.
    const flooder = 'QmFlooder'.padEnd(30, '0')
    const fromFlooder: string[] = []
    for (let i = 0; i < LINK_CHECK_RATE.perPeer.burst + 1; i++) {
      const key = edKey()
      const verdict = await rules.check(presence(key, await link(forDid(key))), live(flooder))
      fromFlooder.push(verdict.action === 'accept' ? 'accept' : String(verdict.reason))
    }
    expect(fromFlooder.at(-1)).toBe('rate-limited-link')
    expect(fromFlooder.filter((v) => v === 'accept')).toHaveLength(LINK_CHECK_RATE.perPeer.burst)
    // The same from a relay: it held its own clients to that budget.
    const key = edKey()
    expect(
      (await rules.check(presence(key, await link(forDid(key))), live(flooder, true))).action,
    ).toBe('accept')
  }, 30_000)
})

describe('a linked member in a room (in-memory network)', () => {
  it('is seen with its account by others: user-joined, the member list, its posts; a copied link is refused', async () => {
    const hub = new MemoryHub()
    const alice = await joinPeer(hub)
    const aliceSpace = await alice.ghost.openSpace('testspace')
    const live = Date.now()
    const link = async (did: string, signer = wallet) => {
      const message = composeLinkMessage({
        ...request({ did, space: 'testspace' }),
        issuedAt: new Date(live - 1_000),
        expirationTime: new Date(live + 3_600_000),
      })
      return { message, signature: await signer.signMessage(message) }
    }
    expect(await aliceSpace.linkWallet(await link(alice.did))).toEqual({
      address: wallet.address,
      linkedOn: { domain: 'dapp.example', chainId: 1 },
    })
    // A link made for another DID is refused at the source, by name.
    await expect(aliceSpace.linkWallet(await link(OTHER_DID))).rejects.toMatchObject({
      name: 'WalletLinkError',
      message: expect.stringContaining('link-mismatch'),
    })
    const linkedThread = await aliceSpace.joinThread('linked', { ghost: true })
    const refusals: (string | undefined)[] = []
    const bob = await joinPeer(hub, {
      room: 'linked',
      rules: {
        onVerdict: (verdict, reason) => void (verdict === 'accept' || refusals.push(reason)),
      },
    })
    const joined: unknown[][] = []
    bob.thread.on('user-joined', (...args) => joined.push(args))
    await waitFor(() => bob.events.joined.includes(alice.did), { what: 'alice to be seen' })
    const linkedOn = { domain: 'dapp.example', chainId: 1 }
    expect(joined).toContainEqual([alice.did, wallet.address, linkedOn])
    expect(await bob.thread.listMembersWithAddresses()).toEqual(
      expect.arrayContaining([
        { did: bob.did },
        { did: alice.did, address: wallet.address, linkedOn },
      ]),
    )
    await linkedThread.post('signed by a known account')
    await waitFor(() =>
      bob.events.messages.some((post) => post.message === 'signed by a known account'),
    )
    expect(
      bob.events.messages.find((post) => post.message === 'signed by a known account'),
    ).toMatchObject({
      author: alice.did,
      address: wallet.address,
      linkedOn,
    })
    // Mallory copies alice's link into her own presence: every receiver refuses it.
    const mallory = edKey()
    const stolen = forge(
      mallory,
      claims(mallory, 'presence', linkedThread.topic, { link: await link(alice.did) }),
    )
    expect(await hub.inject(linkedThread.topic, new TextEncoder().encode(stolen))).toEqual([
      'reject',
      'reject',
    ])
    expect(refusals).toContain('link-mismatch')
    await closeAll([alice, bob])
  })
})

describe("a space's own link", () => {
  it('is no longer sent once it expired (receivers would ignore every claim carrying it)', async () => {
    const signer = await createSeedIdentity(new Uint8Array(32).fill(3)).signerForSpace('chat')
    const space = new GhostSpace('chat', signer, {
      join: async () => Promise.reject(new Error('unused')),
    })
    const message = composeLinkMessage(
      request({ did: signer.did, expirationTime: new Date(NOW + 60_000) }),
    )
    const link = { message, signature: await wallet.signMessage(message) }
    expect((await space.linkWallet(link, NOW)).address).toBe(wallet.address)
    expect(heldWalletLink(signer, NOW + 59_999)?.link).toEqual(link)
    expect(space.holdsLink(link, NOW)).toBe(true)
    expect(heldWalletLink(signer, NOW + 60_000)).toBeUndefined()
    expect(space.holdsLink(link, NOW + 60_000)).toBe(false)
  })

  it("is ended by an unlink from its own site only (another site's unlink leaves it)", async () => {
    const signer = await createSeedIdentity(new Uint8Array(32).fill(4)).signerForSpace('chat')
    const space = new GhostSpace('chat', signer, {
      join: async () => Promise.reject(new Error('unused')),
    })
    const message = composeLinkMessage(request({ did: signer.did }))
    await space.linkWallet({ message, signature: await wallet.signMessage(message) }, NOW)
    space.unlinkWallet('other.example')
    expect(heldWalletLink(signer, NOW)?.account.linkedOn.domain).toBe('dapp.example')
    space.unlinkWallet('dapp.example')
    expect(heldWalletLink(signer, NOW)).toBeUndefined()
  })
})
