/**
 * The extension in real Firefox: Debian's firefox-esr, headless, the built dist/firefox
 * as a temporary add-on, driven by puppeteer-core over WebDriver BiDi. Two people chat
 * through the relay process, as in the Chromium tests: the prompt, both ways, members,
 * the backlog, a DM, a room left idle for 90 s (an MV3 background page was suspended
 * after 30 s and lost every room), a wallet link (the page's EIP-1193 wallet, the
 * prompt, the account at the other browser), the popup, and no text, account or
 * signature on disk afterwards but the link in alice's grant.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Wallet } from 'ethers'
import type { Page } from 'puppeteer-core'
import {
  type EvaluatingPage,
  evaluating,
  type FirefoxBrowser,
  launchFirefox,
  poll,
} from '../../tools/firefox-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { PageDriver } from './page-driver.js'
import { textFoundOnDisk } from './profile-scan.js'
import { postedTexts, SCREENSHOTS, STEP_MS } from './session.js'
import { linkThroughPrompt, walletTraces } from './wallet.js'
import { pressJoin, sendInWidget } from './widget-page.js'

const SPACE = 'firefox-space'
const ROOM = 'lobby'
/** Longer than Firefox's 30 s idle suspension of MV3 background pages, three times over. */
const IDLE_MS = 90_000
const { said, text } = postedTexts('ff')
const aliceWallet = Wallet.createRandom()
/** What alice's wallet signed (her link), to search the disks for. */
let aliceSignatures: string[] = []

type FirefoxDriver = PageDriver<FirefoxBrowser, EvaluatingPage>

let relay: RelayProcess
let site: StaticServer
const browsers: FirefoxBrowser[] = []
let alice: FirefoxDriver
let bob: FirefoxDriver
let aliceDid = ''
let bobDid = ''

async function openDapp(browser: FirefoxBrowser): Promise<FirefoxDriver> {
  return new PageDriver(browser, evaluating(await browser.open(`${site.url}/trollbox.html`)))
}

beforeAll(async () => {
  relay = await RelayProcess.start()
  site = await serveDemo()
  for (const name of ['alice', 'bob'])
    browsers.push(await launchFirefox({ name, relays: [relay.address] }))
  alice = await openDapp(browsers[0] as FirefoxBrowser)
  bob = await openDapp(browsers[1] as FirefoxBrowser)
}, STEP_MS * 2)

afterAll(async () => {
  await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)))
  await site?.close()
  await relay?.stop()
}, STEP_MS)

describe('two people in real Firefox with the extension', () => {
  it(
    'Deny refuses the space by name; Allow gives the DID the prompt showed',
    async () => {
      const denied = await bob.openSpaceWithPrompt('not-this-one', false)
      expect(denied.prompt).toMatchObject({ origin: site.url, space: 'not-this-one' })
      expect(denied.outcome).toMatchObject({ name: 'UserRejectedError', code: 4001 })
      const a = await alice.openSpaceWithPrompt(SPACE, true)
      const b = await bob.openSpaceWithPrompt(SPACE, true)
      expect(a.outcome).toEqual({ did: a.prompt.did })
      expect(b.outcome).toEqual({ did: b.prompt.did })
      aliceDid = a.prompt.did
      bobDid = b.prompt.did
      expect(aliceDid).toMatch(/^did:key:z/)
      expect(aliceDid).not.toBe(bobDid)
    },
    STEP_MS,
  )

  it(
    'join, list each other, and chat both ways',
    async () => {
      await alice.join(ROOM)
      await bob.join(ROOM)
      await alice.waitForLog('bob joined', (entry) => entry[0] === 'joined' && entry[1] === bobDid)
      await bob.waitForLog('alice seen', (entry) => entry[0] === 'joined' && entry[1] === aliceDid)
      expect((await bob.members()).sort()).toEqual([aliceDid, bobDid].sort())
      const hello = text('hello')
      const reply = text('reply')
      await alice.post(hello)
      await bob.waitForMessage(hello)
      await bob.post(reply)
      await alice.waitForMessage(reply)
      expect(await bob.authorOf(hello)).toBe(aliceDid)
    },
    STEP_MS,
  )

  it(
    'alice links her wallet: the prompt shows her account, bob sees it beside her DID and on her posts',
    async () => {
      aliceSignatures = await linkThroughPrompt(alice, bob, aliceWallet, aliceDid, text('signed'))
    },
    STEP_MS,
  )

  it(
    'a direct message reaches its one recipient',
    async () => {
      const secret = text('dm')
      await alice.post(secret, bobDid)
      await bob.waitForLog(
        'the DM',
        (entry) => entry[0] === 'message' && entry[2] === secret && entry[3] === bobDid,
      )
    },
    STEP_MS,
  )

  it(
    'a third person joining late gets the backlog from the room',
    async () => {
      const before = text('before-carol')
      await alice.post(before)
      await bob.waitForMessage(before)
      const carolBrowser = await launchFirefox({ name: 'carol', relays: [relay.address] })
      browsers.push(carolBrowser)
      const carol = await openDapp(carolBrowser)
      expect((await carol.openSpaceWithPrompt(SPACE, true)).outcome).toMatchObject({
        did: expect.stringMatching(/^did:key:z/),
      })
      await carol.join(ROOM)
      await carol.waitForLog('the backlog', (entry) => entry[0] === 'backlog')
      expect(await carol.messages()).toEqual(expect.arrayContaining([before, said[0]]))
      await carolBrowser.close()
    },
    STEP_MS,
  )

  it(
    'a room left idle for 90 s still works: same node, same threads',
    async () => {
      const peersBefore = (await alice.browser.hostStatus()).peerIds
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
      expect(peersBefore).toHaveLength(1)
      expect((await alice.browser.hostStatus()).peerIds).toEqual(peersBefore)
      const afterIdle = text('after-idle')
      expect(await alice.post(afterIdle)).toEqual(expect.any(String))
      await bob.waitForMessage(afterIdle)
    },
    IDLE_MS + STEP_MS,
  )

  it(
    '<ghost-chat> in Firefox: joins the room through the extension and chats with the raw-API page',
    async () => {
      const page = await alice.browser.open(`${site.url}/index.html?space=${SPACE}&room=${ROOM}`)
      // The widget's shadow root is open: the page's own scripts (and ours) may look in.
      await poll(
        () => page.evaluate(pressJoin).then((pressed) => (pressed ? true : undefined)),
        'the widget to offer Join',
      )
      // Alice allowed this site and space already: no prompt, straight in.
      await poll(
        () =>
          page.evaluate(() =>
            document.querySelector('ghost-chat')?.shadowRoot?.querySelector('form.composer')
              ? true
              : undefined,
          ),
        'the composer',
      )
      const fromWidget = text('widget')
      await page.evaluate(sendInWidget, fromWidget)
      await bob.waitForMessage(fromWidget)
      const toWidget = text('to-widget')
      await bob.post(toWidget)
      await poll(
        () =>
          page.evaluate(
            (message) =>
              [
                ...(document
                  .querySelector('ghost-chat')
                  ?.shadowRoot?.querySelectorAll('.line .text') ?? []),
              ].some((line) => line.textContent === message)
                ? true
                : undefined,
            toWidget,
          ),
        "bob's post in the widget",
      )
      await page.screenshot({ path: join(SCREENSHOTS, 'widget-firefox.png') })
      await page.close()
    },
    STEP_MS,
  )

  it(
    'the popup lists the room, its members online and the site using it',
    async () => {
      const popup: Page = await alice.browser.openExtensionPage('popup.html')
      const room = await poll(
        () =>
          popup.evaluate((name) => {
            const button = [...document.querySelectorAll('button.room')].find((b) =>
              b.textContent?.includes(name),
            )
            return button?.textContent?.includes('online') ? button.textContent : undefined
          }, ROOM),
        'the room in the popup',
      )
      expect(room).toContain('2 online')
      expect(room).toContain(site.url)
      await popup.close()
    },
    STEP_MS,
  )

  it(
    'leaves no message text anywhere in the profile directories',
    async () => {
      await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)))
      expect(said.length).toBeGreaterThan(4)
      // The profiles are still there to search (puppeteer keeps a profile it was given).
      for (const browser of browsers)
        expect(existsSync(join(browser.profileDir, 'prefs.js'))).toBe(true)
      expect(
        await textFoundOnDisk(
          browsers.map((browser) => browser.profileDir),
          said,
        ),
      ).toEqual([])
      // Alice's wallet link is kept only in her permission grant, in the extension's storage.
      const traces = walletTraces(aliceWallet.address, aliceSignatures)
      const extensionStorage = `moz-extension+++${new URL(alice.browser.extensionBase).host}`
      const inGrant = (path: string) => path.includes(extensionStorage)
      const others = browsers.filter((browser) => browser !== alice.browser)
      expect(
        await textFoundOnDisk(
          others.map((browser) => browser.profileDir),
          traces,
        ),
      ).toEqual([])
      expect(await textFoundOnDisk([alice.browser.profileDir], traces, inGrant)).toEqual([])
      // The search does find the link where alice asked it to be kept.
      expect(
        (await textFoundOnDisk([alice.browser.profileDir], traces)).some((found) => inGrant(found)),
      ).toBe(true)
    },
    STEP_MS,
  )
})
