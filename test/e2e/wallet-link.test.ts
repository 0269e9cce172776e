/**
 * Wallet links in real Chromium with the extension: the demo page gets an EIP-1193 wallet
 * backed by a real ethers Wallet (in this process, reached through a page binding; no
 * network), alice links her DID in the space, the prompt shows her account, and bob's
 * page sees the account beside her DID and on her posts. Bob declines in his wallet: a
 * named 4001, and his space stays open and unlinked. Bob's popup shows alice's account.
 * Bob's page on another site, in the same room, sees alice unlinked: her link names the
 * site she made it on. Afterwards no account or signature is on disk anywhere but in
 * alice's permission grant (the extension's settings).
 */

import { sep } from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { Wallet } from 'ethers'
import type { StaticServer } from '../../tools/static-server.js'
import { PageDriver } from './page-driver.js'
import { textFoundOnDisk } from './profile-scan.js'
import { postedTexts, STEP_MS } from './session.js'
import { useTwoVisitors } from './two-visitors.js'
import {
  giveWallet,
  linkingOutcome,
  linkThroughPrompt,
  membersSeenBy,
  startLinking,
  walletTraces,
} from './wallet.js'

const SPACE = 'linked-space'
const { text } = postedTexts('wallet')

const visitors = useTwoVisitors({ otherSites: 1 })
const session = visitors.session
let site: StaticServer
let otherSite: StaticServer
let alice: PageDriver
let bob: PageDriver
const aliceWallet = Wallet.createRandom()
const bobWallet = Wallet.createRandom()
/** What alice's wallet signed (her link), to search the disks for. */
let aliceSignatures: string[] = []

beforeAll(() => {
  ;({ site, alice, bob } = visitors)
  otherSite = visitors.otherSites[0] as StaticServer
})

describe('a wallet-linked identity in real Chromium', () => {
  let aliceDid = ''
  let bobDid = ''

  it(
    'alice links her wallet: the prompt shows her account, bob sees it beside her DID and on her posts',
    async () => {
      aliceDid = ((await alice.openSpaceWithPrompt(SPACE, true)).outcome as { did: string }).did
      bobDid = ((await bob.openSpaceWithPrompt(SPACE, true)).outcome as { did: string }).did
      await alice.join('lobby')
      await bob.join('lobby')
      await bob.waitForLog('alice seen', (e) => e[0] === 'joined' && e[1] === aliceDid)
      const signed = text('signed')
      aliceSignatures = await linkThroughPrompt(alice, bob, aliceWallet, aliceDid, signed)
      // Bob's popup shows alice's account beside her DID, short and checksummed.
      const popup = await bob.browser.context.newPage()
      await popup.goto(`chrome-extension://${bob.browser.extensionId}/popup.html`)
      await popup.locator('button.room', { hasText: 'lobby' }).click()
      const short = `${aliceWallet.address.slice(0, 6)}…${aliceWallet.address.slice(-4)}`
      // Her post in the room's messages carries it too.
      await popup
        .locator('li.message', { hasText: signed })
        .locator('.address', { hasText: short })
        .waitFor({ timeout: 10_000 })
      await popup.getByRole('tab', { name: /Members/ }).click()
      await popup.locator('.members .address', { hasText: short }).waitFor({ timeout: 10_000 })
      expect(await popup.locator('.members .address', { hasText: 'unlinked' }).count()).toBe(1)
      await popup.close()
    },
    STEP_MS * 2,
  )

  it(
    'bob declines in his wallet: UserRejectedError 4001, his space stays open and unlinked',
    async () => {
      await giveWallet(bob, bobWallet, true)
      await bob.browser.answerPrompt(true, () => startLinking(bob))
      expect(await linkingOutcome(bob)).toMatchObject({ name: 'UserRejectedError', code: 4001 })
      const still = text('still-unlinked')
      expect(await bob.post(still)).toEqual(expect.any(String))
      await alice.waitForMessage(still)
      expect((await membersSeenBy(alice)).find((m) => m.did === bobDid)).toEqual({ did: bobDid })
    },
    STEP_MS,
  )

  it(
    "the demo's own buttons: alice joins its room and links her wallet; bob's trollbox names her by her account",
    async () => {
      const short = `${aliceWallet.address.slice(0, 6)}…${aliceWallet.address.slice(-4)}`
      // The demo's room is in its own space: each site is asked once for it.
      await alice.browser.answerPrompt(true, () => alice.page.click('#join'))
      await bob.browser.answerPrompt(true, () => bob.page.click('#join'))
      await alice.page.locator('#link:not([hidden])').waitFor({ timeout: 10_000 })
      // bob's page has a wallet too since he declined in it above: once his join is done,
      // the demo offers him the button as well. (This was sampled at once and read
      // "hidden" only while his join was still under way: under load it read visible.)
      await bob.page.locator('#link:not([hidden])').waitFor({ timeout: 10_000 })
      const prompt = await alice.browser.answerPrompt(true, () => alice.page.click('#link'))
      expect(prompt.linkAddress?.toLowerCase()).toBe(aliceWallet.address.toLowerCase())
      await alice.page.locator('#status', { hasText: short }).waitFor({ timeout: 10_000 })
      // Her next post says it: bob's trollbox names her by it there and in its member list.
      const said = text('from-the-demo')
      await alice.page.fill('#text', said)
      await alice.page.click('#send')
      await bob.page
        .locator('#messages li', { hasText: said })
        .locator('.author', { hasText: short })
        .waitFor({ timeout: 10_000 })
      await bob.page.locator('#members li', { hasText: short }).waitFor({ timeout: 10_000 })
    },
    STEP_MS,
  )

  it(
    "bob's page on another site, in the same room, sees alice unlinked: her link names the site she made it on",
    async () => {
      const elsewhere = await PageDriver.open(bob.browser, `${otherSite.url}/trollbox.html`)
      expect(new URL(otherSite.url).origin).not.toBe(new URL(site.url).origin)
      expect((await elsewhere.openSpaceWithPrompt(SPACE, true)).outcome).toMatchObject({
        did: bobDid,
      })
      await elsewhere.join('lobby')
      const after = text('after-another-site')
      await alice.post(after)
      await elsewhere.waitForMessage(after)
      await bob.waitForMessage(after)
      expect((await membersSeenBy(elsewhere)).find((m) => m.did === aliceDid)).toEqual({
        did: aliceDid,
      })
      const postsAt = (driver: PageDriver) =>
        driver.page.evaluate(() =>
          (
            window as unknown as { __thread: { getPosts(): Promise<Record<string, unknown>[]> } }
          ).__thread.getPosts(),
        )
      const there = (await postsAt(elsewhere)).find((p) => p.message === after)
      expect(there).toMatchObject({ author: aliceDid })
      expect(there).not.toHaveProperty('address')
      // The page on alice's site, in the same browser and room, still sees her account.
      expect((await postsAt(bob)).find((p) => p.message === after)).toMatchObject({
        address: aliceWallet.address,
        linkedOn: { domain: new URL(site.url).host, chainId: 1 },
      })
      await elsewhere.page.close()
    },
    STEP_MS,
  )

  it(
    "leaves no account or signature on disk but in alice's grant, the setting she chose",
    async () => {
      const aliceBrowser = alice.browser
      const bobBrowser = bob.browser
      await session.closeAll()
      // Her link in the test's space and the one the demo's button made.
      expect(aliceSignatures).toHaveLength(2)
      const traces = walletTraces(aliceWallet.address, aliceSignatures)
      const inGrant = (path: string) => path.includes(`${sep}Local Extension Settings${sep}`)
      expect(await textFoundOnDisk([bobBrowser.profileDir], traces)).toEqual([])
      expect(await textFoundOnDisk([aliceBrowser.profileDir], traces, inGrant)).toEqual([])
      // The search does find the link where alice asked it to be kept.
      expect(
        (await textFoundOnDisk([aliceBrowser.profileDir], traces)).some((found) => inGrant(found)),
      ).toBe(true)
    },
    STEP_MS,
  )
})
