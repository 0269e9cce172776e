/**
 * A page is told how it is connected (issue 23), in real Chromium, from both hosts: Alice
 * with the extension, Bob with the in-page host (`connect()`) in a browser without
 * RTCPeerConnection, so the two can meet only through the relay process. The relay is
 * killed: each page's `status` says offline within 5 s, and a post made then says
 * `queued`; the relay comes back on the same address: the queued posts reach the other
 * page, each poster hears `sent`, and the pages are online again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, BrowserContext } from 'playwright-core'
import type { ExtensionBrowser } from '../../tools/extension-browser.js'
import { launchPlainChromium } from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { demoDriver, openDemo } from './demo-visitor.js'
import { type DrivenBrowser, PageDriver, type Recorded } from './page-driver.js'
import { browserSet, postedTexts, STEP_MS } from './session.js'

const SPACE = 'status-space'
const ROOM = 'lobby'
/** The promise: a page hears it is offline this soon after its relay goes. */
const OFFLINE_WITHIN_MS = 5_000
const { text } = postedTexts('status')

let relay: RelayProcess
let site: StaticServer
let plain: Browser
let context: BrowserContext | undefined
const session = browserSet(() => relay.address)
let alice: PageDriver
let bob: PageDriver<DrivenBrowser>

const statesOf = (log: Recorded[]) =>
  log.flatMap((entry) => (entry[0] === 'status' ? [{ state: entry[1], at: entry[2] }] : []))

async function lastState(driver: PageDriver<DrivenBrowser>): Promise<string | undefined> {
  return statesOf(await driver.log()).at(-1)?.state
}

async function waitForState(driver: PageDriver<DrivenBrowser>, state: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while ((await lastState(driver)) !== state) {
    if (Date.now() > deadline)
      throw new Error(
        `${driver.browser.name}: status never became ${state}: ${JSON.stringify(statesOf(await driver.log()))}`,
      )
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  relay = await RelayProcess.start()
  site = await serveDemo()
  plain = await launchPlainChromium()
  const withExtension = (await session.launch('alice')) as ExtensionBrowser
  alice = await PageDriver.open(withExtension, `${site.url}/trollbox.html`)
  context = await plain.newContext()
  await context.addInitScript(() => {
    for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection'])
      Reflect.deleteProperty(window, name)
  })
  const page = await context.newPage()
  const connected = await openDemo(page, site.url, relay.address)
  expect(connected).toMatchObject({ kind: 'page', webrtc: false })
  bob = await demoDriver(page)
}, STEP_MS)

afterAll(async () => {
  await context?.close().catch(() => undefined)
  await plain?.close()
  await session.closeAll()
  await site?.close()
  await relay?.stop()
}, STEP_MS)

describe("a page's connection status, with the extension and with the in-page host", () => {
  it(
    'is idle before a room, then online once the room reaches its relay',
    async () => {
      expect(await alice.status()).toEqual({ state: 'idle', rooms: [] })
      expect(await bob.status()).toEqual({ state: 'idle', rooms: [] })
      await alice.openSpaceWithPrompt(SPACE, true)
      await bob.openSpace(SPACE)
      await alice.join(ROOM)
      await bob.join(ROOM)
      await Promise.all([waitForState(alice, 'online'), waitForState(bob, 'online')])
      const hello = text('hello')
      await alice.post(hello)
      await bob.waitForMessage(hello)
      for (const driver of [alice, bob]) {
        const status = await driver.status()
        expect(status).toEqual({
          state: 'online',
          rooms: [
            expect.objectContaining({
              space: SPACE,
              room: ROOM,
              state: 'online',
              relays: { connected: 1, total: 1 },
              siteRelays: [],
              directPeers: 0,
              posting: 'sent',
              firstPeerMs: expect.any(Number),
            }),
          ],
        })
        // The user's relay is counted, never named to the page.
        expect(JSON.stringify(status)).not.toContain(relay.peerId)
      }
    },
    STEP_MS,
  )

  it(
    'says offline within 5 s of the relay being killed; posts then say queued, and sent once it is back',
    async () => {
      await relay.crash()
      const killedAt = await alice.page.evaluate(() => Date.now())
      for (const driver of [alice, bob]) {
        await waitForState(driver, 'offline', 30_000)
        const offlineAt = statesOf(await driver.log()).at(-1)?.at ?? Number.POSITIVE_INFINITY
        // Both pages run on this machine's clock.
        expect(offlineAt - killedAt).toBeLessThanOrEqual(OFFLINE_WITHIN_MS)
        expect(await driver.status()).toMatchObject({
          state: 'offline',
          rooms: [{ state: 'offline', posting: 'queued', relays: { connected: 0, total: 1 } }],
        })
      }
      const fromAlice = text('while-down-alice')
      const fromBob = text('while-down-bob')
      const aliceId = await alice.post(fromAlice)
      const bobId = await bob.post(fromBob)
      expect(typeof aliceId).toBe('string')
      expect(typeof bobId).toBe('string')
      expect(await alice.deliveryOf(aliceId as string)).toBe('queued')
      expect(await bob.deliveryOf(bobId as string)).toBe('queued')

      await relay.start()
      await Promise.all([
        waitForState(alice, 'online', 60_000),
        waitForState(bob, 'online', 60_000),
      ])
      await bob.waitForMessage(fromAlice, 60_000)
      await alice.waitForMessage(fromBob, 60_000)
      await alice.waitForLog(
        'its queued post to be sent',
        (e) => e[0] === 'delivery' && e[1] === aliceId && e[2] === 'sent',
      )
      await bob.waitForLog(
        'its queued post to be sent',
        (e) => e[0] === 'delivery' && e[1] === bobId && e[2] === 'sent',
      )
      expect(await alice.deliveryOf(aliceId as string)).toBe('sent')
      expect(await bob.deliveryOf(bobId as string)).toBe('sent')
    },
    3 * STEP_MS,
  )

  it(
    'a room left is gone from the status; with none left the page is idle',
    async () => {
      await bob.page.evaluate(() =>
        (window as unknown as { __thread: { close(): Promise<unknown> } }).__thread.close(),
      )
      await waitForState(bob, 'idle')
      expect(await bob.status()).toEqual({ state: 'idle', rooms: [] })
      expect(await alice.status()).toMatchObject({ state: 'online' })
    },
    STEP_MS,
  )
})
