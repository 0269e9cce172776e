/**
 * Private rooms in real Chromium (issue 25), as people meet them on the demo dapp: with
 * the extension, alice makes a room and gets a link; bob opens the link in his own
 * browser and they chat; the popup shows the room with a lock and copies its invite.
 * Without the extension (the in-page SDK, connect()), two plain visitors do the same.
 * The relay process carries it all; what it can and cannot read is tested in
 * test/net/private-rooms.test.ts.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import {
  type ExtensionBrowser,
  launchExtensionBrowser,
  launchPlainChromium,
} from '../../tools/extension-browser.js'
import { textFoundOnDisk } from './profile-scan.js'
import { postedTexts, SCREENSHOTS, STEP_MS } from './session.js'
import { useTwoVisitors } from './two-visitors.js'

const { said, text } = postedTexts('private')
const visitors = useTwoVisitors()
let plain: Browser | undefined

afterAll(async () => {
  await plain?.close()
}, STEP_MS)

/**
 * The browser keeps the pages it visited, fragment and all: the link's own trail, which
 * THREAT-MODEL.md names (invite links leak like links), not anything Ghost Threads wrote.
 */
const isBrowsersOwnRecord = (path: string) =>
  /[/\\](History|Visited Links|segmentation_platform|Sessions|Current Session|Last Session|Top Sites|Favicons|Shortcuts|Network Action Predictor)([-/\\]|$)/.test(
    path,
  )

/** Types and sends `message` in the demo's composer, and waits until `reader` shows it. */
async function says(writer: Page, message: string, reader: Page): Promise<void> {
  await writer.fill('#text', message)
  await writer.click('#send')
  await reader.locator('#messages li', { hasText: message }).waitFor({ timeout: 20_000 })
}

/** The demo's "New private room": the link it shows, with the invite after #. */
async function makeRoom(page: Page, click: () => Promise<unknown>): Promise<string> {
  await click()
  await page.locator('#invite-link').waitFor({ state: 'visible', timeout: 20_000 })
  const link = await page.inputValue('#invite-link')
  expect(link).toMatch(/#invite=[A-Za-z0-9_-]{85}[AQgw]$/)
  // The link shows as soon as the room is made; the status once its members are listed.
  await page.locator('#status', { hasText: 'In a private room 🔒' }).waitFor({ timeout: 20_000 })
  return link
}

let aliceLink = ''

describe('a private room in Chromium with the extension', () => {
  let bobPage: Page

  it(
    'alice makes a private room; bob opens its link in his browser and they chat',
    async () => {
      const { alice, bob } = visitors
      // The prompt says the site may open private rooms, with the lock the popup shows.
      const promptShot = join(SCREENSHOTS, 'prompt-private-rooms.png')
      aliceLink = await makeRoom(alice.page, () =>
        alice.browser.answerPrompt(true, () => alice.page.click('#private'), promptShot),
      )
      bobPage = await bob.browser.open(aliceLink)
      await bobPage.locator('#status', { hasText: 'This link opens a private room' }).waitFor()
      await bob.browser.answerPrompt(true, () => bobPage.click('#join'))
      await bobPage.locator('#status', { hasText: 'In a private room 🔒' }).waitFor()
      expect(await bobPage.inputValue('#invite-link')).toBe(aliceLink)
      await says(alice.page, text('hello'), bobPage)
      await says(bobPage, text('reply'), alice.page)
      await alice.page.screenshot({ path: join(SCREENSHOTS, 'demo-private-room.png') })
    },
    STEP_MS,
  )

  it(
    'the popup lists the room with a lock, opens it as private, and copies its invite',
    async () => {
      const { alice } = visitors
      const { context, extensionId } = alice.browser
      const origin = `chrome-extension://${extensionId}`
      const popup = await context.newPage()
      await popup.setViewportSize({ width: 360, height: 600 })
      await popup.goto(`${origin}/popup.html`)
      const room = popup.getByRole('button', { name: /^Open private room private/ })
      await room.waitFor({ timeout: 10_000 })
      expect(await room.textContent()).toContain('🔒')
      expect(await room.textContent()).toContain('2 online')
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-private-rooms.png') })
      await room.click()
      await popup.getByText(/· private room/).waitFor()
      expect(await popup.getByRole('heading', { level: 2 }).first().textContent()).toContain('🔒')
      await popup.getByRole('button', { name: 'Copy invite' }).click()
      await popup.getByText(/Invite copied\. Whoever has it can read this room/).waitFor()
      // The browser's clipboard, read back from the site's page (an extension page cannot
      // be granted clipboard reading; the clipboard is the browser's, not the page's).
      await context.grantPermissions(['clipboard-read'], { origin: visitors.site.url })
      await alice.page.bringToFront()
      const copied = await alice.page.evaluate(() => navigator.clipboard.readText())
      expect(aliceLink.endsWith(`#invite=${copied}`)).toBe(true)
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-private-room.png') })
      await popup.close()
    },
    STEP_MS,
  )
})

describe('what a private room leaves on disk', () => {
  it(
    "neither profile holds the invite or a text posted, outside the browser's own history of the link",
    async () => {
      const { browsers } = visitors.session
      const invite = new URL(aliceLink).hash.slice('#invite='.length)
      await Promise.all(browsers.map((browser) => browser.close()))
      // Nothing of ours may be on disk; the browser's own record of the link may (above).
      expect(said.length).toBeGreaterThan(1)
      expect(
        await textFoundOnDisk(
          browsers.map((browser) => browser.profileDir),
          [invite, ...said],
          isBrowsersOwnRecord,
        ),
      ).toEqual([])
    },
    STEP_MS,
  )
})

describe('keeping a private room (a browser of its own: what it keeps is meant to be on disk)', () => {
  let carol: ExtensionBrowser | undefined
  afterAll(async () => {
    await carol?.close()
  }, STEP_MS)

  it(
    'Keep stores the invite beside the seed: Settings lists it after the tab left, copies it, and Forget ends it',
    async () => {
      const { site, relay } = visitors
      carol = await launchExtensionBrowser({ name: 'carol-keeps', relays: [relay.address] })
      const browser = carol
      const page = await browser.open(`${site.url}/trollbox.html`)
      await page.locator('#status', { hasText: 'Ghost Threads is here' }).waitFor()
      const link = await makeRoom(page, () =>
        browser.answerPrompt(true, () => page.click('#private')),
      )
      const invite = new URL(link).hash.slice('#invite='.length)
      const origin = `chrome-extension://${browser.extensionId}`
      const popup = await browser.context.newPage()
      await popup.setViewportSize({ width: 360, height: 600 })
      await popup.goto(`${origin}/popup.html`)
      await popup.getByRole('button', { name: /^Open private room private/ }).click()
      await popup.getByRole('button', { name: 'Keep' }).click()
      await popup.getByRole('button', { name: 'Kept ✓' }).waitFor()
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-private-room-kept.png') })
      // The tab goes: the room closes, its invite stays where the user kept it.
      await page.close()
      await popup.getByRole('button', { name: 'Settings' }).click()
      const kept = popup.getByRole('list', { name: 'kept private rooms' })
      await kept.waitFor()
      expect(await kept.textContent()).toContain('private')
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-kept-rooms.png'), fullPage: true })
      await popup.getByRole('button', { name: 'Copy the invite of private' }).click()
      await popup.getByText('Invite of private copied.').waitFor()
      // Beside the seed: in the extension's own storage in the profile, nowhere a page reads.
      const onDisk = await textFoundOnDisk([browser.profileDir], [invite], isBrowsersOwnRecord)
      expect(onDisk.length).toBeGreaterThan(0)
      const store = `IndexedDB/chrome-extension_${browser.extensionId}_0.indexeddb.leveldb`
      expect(onDisk.filter((found) => !found.includes(store))).toEqual([])
      await popup.getByRole('button', { name: 'Forget private' }).click()
      await popup.getByText(/No private room is kept/).waitFor()
      await popup.close()
    },
    STEP_MS,
  )
})

describe('a private room without the extension (the in-page SDK)', () => {
  beforeAll(async () => {
    plain = await launchPlainChromium()
  }, STEP_MS)

  it(
    'carol makes a room on the demo, dave opens her link in his own browser, and they chat',
    async () => {
      const browser = plain as Browser
      const { site, relay } = visitors
      const open = async (url: string) => {
        const page = await (await browser.newContext()).newPage()
        await page.goto(url)
        await page.locator('#status', { hasText: 'No extension' }).waitFor({ timeout: 20_000 })
        return page
      }
      const carol = await open(
        `${site.url}/trollbox.html?relay=${encodeURIComponent(relay.address)}`,
      )
      const link = await makeRoom(carol, () => carol.click('#private'))
      const dave = await open(link)
      await dave.click('#join')
      await dave
        .locator('#status', { hasText: 'In a private room 🔒' })
        .waitFor({ timeout: 20_000 })
      await says(carol, text('in-page-hello'), dave)
      await says(dave, text('in-page-reply'), carol)
    },
    STEP_MS,
  )
})
