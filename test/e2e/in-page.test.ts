/**
 * The same API without the extension: the demo dapp uses `connect()` (ghost-threads/web),
 * which finds no extension and runs the host in the page. Real Chromium, no extension:
 * two plain visitors chat through the relay process; a mobile-emulated visitor (device
 * viewport, touch, mobile user agent) joins them; a page whose browser has no
 * RTCPeerConnection chats through relays only; a second tab of a site is told by name why
 * it gets no second node; a browser with the extension installed gets the extension; and
 * a visitor's profile on disk holds no message text, account or signature afterwards.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Wallet } from 'ethers'
import { type Browser, type BrowserContext, devices } from 'playwright-core'
import { launchPlainChromium, launchPlainProfile } from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { demoDriver, openDemo } from './demo-visitor.js'
import type { DrivenBrowser, PageDriver } from './page-driver.js'
import { textFoundOnDisk } from './profile-scan.js'
import { browserSet, postedTexts, STEP_MS } from './session.js'
import { linkWithoutPrompt, walletTraces } from './wallet.js'

const SPACE = 'in-page-space'
const ROOM = 'lobby'
const { text } = postedTexts('web')

let relay: RelayProcess
let site: StaticServer
let plain: Browser
const contexts: BrowserContext[] = []
const extensionBrowsers = browserSet(() => relay.address)

/** Opens the demo in a fresh context (a person) and waits for its connect(). */
async function visitor(options: Parameters<Browser['newContext']>[0] = {}, init?: () => void) {
  const context = await plain.newContext(options)
  contexts.push(context)
  if (init !== undefined) await context.addInitScript(init)
  return visitorIn(context)
}

/** The demo opened in `context`, driven through the provider its connect() gave. */
async function visitorIn(context: BrowserContext) {
  const page = await context.newPage()
  const connected = await openDemo(page, site.url, relay.address)
  const driver = await demoDriver(page)
  return { driver, connected, page, context }
}

/** `newcomer` opens the space, joins the room, and trades a post each way with `member`. */
async function joinsAndChatsWith(
  newcomer: PageDriver<DrivenBrowser>,
  member: PageDriver<DrivenBrowser>,
  label: string,
) {
  await newcomer.openSpace(SPACE)
  await newcomer.join(ROOM)
  const there = text(`from-${label}`)
  await newcomer.post(there)
  await member.waitForMessage(there)
  const back = text(`to-${label}`)
  await member.post(back)
  await newcomer.waitForMessage(back)
}

beforeAll(async () => {
  relay = await RelayProcess.start()
  site = await serveDemo()
  plain = await launchPlainChromium()
}, STEP_MS)

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close().catch(() => undefined)))
  await plain?.close()
  await extensionBrowsers.closeAll()
  await site?.close()
  await relay?.stop()
}, STEP_MS)

describe('the same API without the extension (connect() from ghost-threads/web)', () => {
  let alice: Awaited<ReturnType<typeof visitor>>
  let bob: Awaited<ReturnType<typeof visitor>>
  let aliceDid = ''
  let bobDid = ''

  it(
    'two plain visitors get the host in the page, open a space without a prompt, and chat',
    async () => {
      alice = await visitor()
      bob = await visitor()
      expect(alice.connected).toMatchObject({ kind: 'page', webrtc: true })
      expect(alice.connected.status).toContain('runs in this page')
      expect(alice.connected.status).toContain('its scripts can read it')
      const a = await alice.driver.openSpace(SPACE)
      const b = await bob.driver.openSpace(SPACE)
      aliceDid = (a as { did: string }).did
      bobDid = (b as { did: string }).did
      expect(aliceDid).toMatch(/^did:key:z/)
      expect(bobDid).not.toBe(aliceDid)
      await alice.driver.join(ROOM)
      await bob.driver.join(ROOM)
      await alice.driver.waitForLog('bob joined', (e) => e[0] === 'joined' && e[1] === bobDid)
      const hello = text('hello')
      await alice.driver.post(hello)
      await bob.driver.waitForMessage(hello)
      const reply = text('reply')
      await bob.driver.post(reply, aliceDid)
      await alice.driver.waitForLog(
        'the DM',
        (e) => e[0] === 'message' && e[2] === reply && e[3] === aliceDid,
      )
      // The same identity for the site after a reload: the seed is in the site's storage.
      await alice.page.reload()
      await openDemo(alice.page, site.url, relay.address)
      await alice.page.evaluate(() => {
        const w = window as unknown as {
          ghostThreads?: unknown
          trollbox: { connection: { provider: unknown } }
        }
        w.ghostThreads ??= w.trollbox.connection.provider
      })
      expect(await alice.driver.openSpace(SPACE)).toEqual({ did: aliceDid })
      await alice.driver.join(ROOM)
    },
    STEP_MS * 2,
  )

  it(
    'links a wallet in the page host without a prompt: the other visitor sees the account',
    async () => {
      await linkWithoutPrompt(alice.driver, bob.driver, Wallet.createRandom(), aliceDid)
    },
    STEP_MS,
  )

  it(
    'a mobile-emulated visitor (viewport, touch, mobile user agent) joins and chats',
    async () => {
      const phone = await visitor({ ...devices['Pixel 7'] })
      expect(
        await phone.page.evaluate(() => [
          navigator.userAgent,
          'ontouchstart' in window,
          screen.width,
        ]),
      ).toEqual([expect.stringContaining('Mobile'), true, devices['Pixel 7'].viewport.width])
      expect(phone.connected.kind).toBe('page')
      await joinsAndChatsWith(phone.driver, bob.driver, 'phone')
    },
    STEP_MS,
  )

  it(
    'a browser without RTCPeerConnection chats through the relays only',
    async () => {
      const noRtc = await visitor({}, () => {
        for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection'])
          Reflect.deleteProperty(window, name)
      })
      expect(await noRtc.page.evaluate(() => typeof RTCPeerConnection)).toBe('undefined')
      expect(noRtc.connected).toMatchObject({ kind: 'page', webrtc: false })
      expect(noRtc.connected.status).toContain('relays only')
      await joinsAndChatsWith(noRtc.driver, bob.driver, 'no-rtc')
    },
    STEP_MS,
  )

  it(
    'a second tab of the site is told by name why it gets no second node',
    async () => {
      const second = await bob.context.newPage()
      await second.goto(`${site.url}/trollbox.html?relay=${encodeURIComponent(relay.address)}`)
      await second.waitForFunction(() =>
        /\(-32002\)/.test(document.getElementById('status')?.textContent ?? ''),
      )
      const status = await second.evaluate(() => document.getElementById('status')?.textContent)
      expect(status).toContain('PageHostBusyError')
      expect(status).toContain('Another tab of this site already runs Ghost Threads')
      await second.close()
    },
    STEP_MS,
  )

  it(
    "leaves no message text, account or signature in a visitor's profile on disk",
    async () => {
      const { context, profileDir } = await launchPlainProfile('carol')
      contexts.push(context)
      const carol = await visitorIn(context)
      expect(carol.connected.kind).toBe('page')
      const carolDid = ((await carol.driver.openSpace(SPACE)) as { did: string }).did
      await carol.driver.join(ROOM)
      const said = [text('carol-public'), text('carol-dm')]
      await carol.driver.post(said[0])
      await bob.driver.waitForMessage(said[0])
      // A DM needs bob's peer: carol must have heard bob's presence first.
      await carol.driver.waitForLog('bob', (e) => e[0] === 'joined' && e[1] === bobDid)
      expect(await carol.driver.post(said[1], bobDid)).toEqual(expect.any(String))
      await bob.driver.waitForLog('the DM', (e) => e[0] === 'message' && e[2] === said[1])
      const heard = text('to-carol')
      await bob.driver.post(heard)
      await carol.driver.waitForMessage(heard)
      const wallet = Wallet.createRandom()
      const signatures = await linkWithoutPrompt(carol.driver, bob.driver, wallet, carolDid)
      await context.close()
      // The site's storage is there (the identity seed in its IndexedDB) to be searched.
      const siteStorage = `http_${new URL(site.url).host.replace(':', '_')}`
      expect(
        readdirSync(join(profileDir, 'Default', 'IndexedDB')).some((dir) =>
          dir.startsWith(siteStorage),
        ),
      ).toBe(true)
      expect(
        await textFoundOnDisk(
          [profileDir],
          [...said, heard, ...walletTraces(wallet.address, signatures)],
        ),
      ).toEqual([])
    },
    STEP_MS,
  )

  it(
    "the demo's own Join: a visitor without a wallet is offered no Link button, one with a wallet is",
    async () => {
      const walletless = await visitor()
      await walletless.page.click('#join')
      await walletless.page.locator('#status', { hasText: 'In ' }).waitFor({ timeout: 20_000 })
      // The join is done (the composer is on): now the button's state is final.
      await walletless.page.locator('#send:not([disabled])').waitFor({ timeout: 5_000 })
      expect(await walletless.page.locator('#link').isHidden()).toBe(true)
      expect(await walletless.page.locator('#link').isDisabled()).toBe(true)
      // The same page with an EIP-1193 wallet in it: the button is offered.
      const withWallet = await visitor({}, () => {
        ;(window as unknown as { ethereum: unknown }).ethereum = {
          request: () => Promise.reject(new Error('not used here')),
        }
      })
      await withWallet.page.click('#join')
      await withWallet.page.locator('#link:not([hidden])').waitFor({ timeout: 20_000 })
      expect(await withWallet.page.locator('#link').isEnabled()).toBe(true)
    },
    STEP_MS,
  )

  it(
    'a browser with the extension installed gets the extension, not a page host',
    async () => {
      const withExtension = await extensionBrowsers.launch('web-extension')
      const page = await withExtension.open(`${site.url}/trollbox.html`)
      await page.waitForFunction(() => 'trollbox' in window)
      expect(
        await page.evaluate(() => {
          const w = window as unknown as {
            ghostThreads: unknown
            trollbox: { connection: { kind: string; provider: unknown } }
          }
          return {
            kind: w.trollbox.connection.kind,
            same: w.trollbox.connection.provider === w.ghostThreads,
          }
        }),
      ).toEqual({ kind: 'extension', same: true })
      expect(await page.evaluate(() => document.getElementById('status')?.textContent)).toBe(
        'Ghost Threads is here. Join the room to chat.',
      )
    },
    STEP_MS,
  )
})
