/**
 * The popup end to end, in real headless Chromium with the built extension: alice has two
 * tabs on two sites in two rooms, bob shares one room with her. The popup page is opened
 * as a tab at its real size (360 × 600), as a person would see it. Steps run in order.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Page } from 'playwright-core'
import { shortDid } from '../../src/ui/did-display.js'
import type { ExtensionBrowser } from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'
import { PageDriver } from './page-driver.js'
import { textFoundOnDisk } from './profile-scan.js'
import { browserSet, postedTexts, SCREENSHOTS, STEP_MS } from './session.js'

const SPACE = 'popup-space'
const OTHER_SPACE = 'popup-other'
/** Every text posted in this file: none may be found in a profile directory afterwards. */
const { said, text } = postedTexts('gt-popup')

let relay: RelayProcess
let siteA: StaticServer
let siteB: StaticServer
const session = browserSet(() => relay.address)
const { browsers, launch } = session
let alice: ExtensionBrowser
let aliceLobby: PageDriver
let aliceLobbyTwo: PageDriver
let aliceMarket: PageDriver
let bobLobby: PageDriver
let popup: Page
let aliceDid = ''
let bobDid = ''
let phrase = ''
/** The ids of posts reacted to: no signal may be found in a profile afterwards either. */
const signalTraces: string[] = []
/** Bob's posts in the lobby so far (what blocking him hides). */
let bobPosts = 0

async function openPopup(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.context.newPage()
  await page.setViewportSize({ width: 360, height: 600 })
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`)
  return page
}

/** The room's entry in the popup's list; its accessible name carries the unread count. */
const roomButton = (page: Page, room: string) =>
  page.getByRole('button', { name: new RegExp(`^Open ${room}(,|$)`) })

const hiddenNote = (page: Page) => page.locator('.hidden-note')

beforeAll(async () => {
  relay = await RelayProcess.start()
  siteA = await serveDemo()
  siteB = await serveDemo()
  const [a, b] = await Promise.all([launch('alice'), launch('bob')])
  alice = a as ExtensionBrowser
  aliceLobby = await PageDriver.open(alice, `${siteA.url}/trollbox.html`)
  aliceMarket = await PageDriver.open(alice, `${siteB.url}/trollbox.html`)
  bobLobby = await PageDriver.open(b as ExtensionBrowser, `${siteA.url}/trollbox.html`)
}, STEP_MS)

afterAll(async () => {
  await session.closeAll()
  await Promise.all([siteA?.close(), siteB?.close()])
  await relay?.stop()
}, STEP_MS)

describe('the popup in real Chromium', () => {
  it(
    'lists the rooms of two tabs on two sites, each with its site',
    async () => {
      aliceDid = (await aliceLobby.openSpaceWithPrompt(SPACE, true)).prompt.did
      await aliceLobby.join('lobby')
      await aliceMarket.openSpaceWithPrompt(OTHER_SPACE, true)
      await aliceMarket.join('market')
      bobDid = (await bobLobby.openSpaceWithPrompt(SPACE, true)).prompt.did
      await bobLobby.join('lobby')
      await aliceLobby.waitForLog('bob', (entry) => entry[0] === 'joined' && entry[1] === bobDid)

      popup = await openPopup(alice)
      const lobby = roomButton(popup, 'lobby')
      const market = roomButton(popup, 'market')
      await lobby.waitFor({ timeout: 10_000 })
      await market.waitFor()
      expect(await lobby.textContent()).toContain(siteA.url)
      expect(await lobby.textContent()).not.toContain(siteB.url)
      expect(await lobby.textContent()).toContain('2 online')
      expect(await market.textContent()).toContain(siteB.url)
      expect(await market.textContent()).not.toContain(siteA.url)
      expect(await popup.getByRole('region', { name: `space ${OTHER_SPACE}` }).isVisible()).toBe(
        true,
      )

      await lobby.click()
      const tabs = popup.getByRole('list', { name: 'tabs in this room' })
      await tabs.waitFor()
      expect(await tabs.getByRole('button').allTextContents()).toEqual([siteA.url])
      await popup.getByRole('tab', { name: /Members/ }).click()
      const members = popup.getByRole('list', { name: 'members online' })
      await members.getByTitle(bobDid).waitFor()
      expect(await members.textContent()).toContain(`${shortDid(aliceDid)} (you)`)
      expect(await members.locator('li.online').count()).toBe(2)
      await popup.getByRole('tab', { name: 'Messages' }).click()
      await popup.getByRole('button', { name: 'Back to rooms' }).click()
    },
    STEP_MS,
  )

  it(
    "counts bob's posts as unread, shows them in the room, and a post from the popup reaches bob",
    async () => {
      const [one, two] = [text('unread-one'), text('unread-two')]
      await bobLobby.post(one)
      await bobLobby.post(two)
      bobPosts += 2
      await aliceLobby.waitForMessage(two)
      await popup.getByRole('button', { name: 'Open lobby, 2 unread' }).waitFor({ timeout: 10_000 })
      await popup.getByRole('button', { name: 'Open lobby, 2 unread' }).click()
      const messages = popup.getByRole('list', { name: 'messages' })
      await messages.getByText(two).waitFor()
      expect(await messages.locator('li.message .did').first().textContent()).toBe(shortDid(bobDid))

      const fromPopup = text('from-popup')
      const composer = popup.getByRole('textbox', { name: 'Message' })
      await composer.fill(fromPopup)
      await composer.press('Enter')
      await messages.getByText(fromPopup).waitFor()
      await bobLobby.waitForMessage(fromPopup)
      expect(await bobLobby.authorOf(fromPopup)).toBe(aliceDid)
      // Same room, same identity: alice's own tab sees her popup post as hers.
      await aliceLobby.waitForMessage(fromPopup)
      expect(await aliceLobby.authorOf(fromPopup)).toBe(aliceDid)
      // Back in the list, nothing is unread any more.
      await popup.getByRole('button', { name: 'Back to rooms' }).click()
      await popup.getByRole('button', { name: 'Open lobby', exact: true }).click()
      await messages.getByText(fromPopup).waitFor()
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-room.png') })
    },
    STEP_MS,
  )

  it(
    'the room is alive in the popup and the page: typing, reactions both ways, seen by, new messages while scrolled up',
    async () => {
      const messages = popup.getByRole('list', { name: 'messages' })
      const typing = popup.locator('.room-view .typing')
      // Bob's page says he types: the popup names him.
      expect(await bobLobby.typing()).toBe(true)
      await typing.getByText(`${shortDid(bobDid)} is typing…`).waitFor({ timeout: 15_000 })
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-typing.png') })
      const alive = text('alive')
      const postId = (await bobLobby.post(alive)) as string
      signalTraces.push(postId)
      bobPosts++
      await messages.getByText(alive).waitFor({ timeout: 15_000 })
      // His post ends his typing.
      await typing.getByText(/typing/).waitFor({ state: 'detached', timeout: 15_000 })

      // Bob reacts on his page; the popup shows it and adds one from its picker.
      await bobLobby.react(postId, '🎉')
      const row = messages.locator('li.message', { hasText: alive })
      await row.getByRole('button', { name: /^🎉 1, from z6Mk/ }).waitFor({ timeout: 15_000 })
      await row.hover()
      await row.getByRole('button', { name: 'Add a reaction' }).click()
      await row.getByRole('button', { name: 'React with 👍' }).click()
      await row.getByRole('button', { name: /^👍 1, from you;/ }).waitFor({ timeout: 15_000 })
      await bobLobby.waitForLog(
        "alice's 👍 from the popup",
        (entry) =>
          entry[0] === 'reactions' &&
          entry[1] === postId &&
          JSON.stringify(entry[2]) === JSON.stringify(['🎉 1', '👍 1']),
      )
      // Alice's host marked bob's post seen: bob's page hears it.
      await bobLobby.waitForLog(
        "alice's seen mark",
        (entry) => entry[0] === 'seen' && entry[1] === aliceDid,
      )

      // A post from the popup: under it, how many others have seen it (bob).
      const seenMe = text('seen-me')
      const composer = popup.getByRole('textbox', { name: 'Message' })
      await composer.fill(seenMe)
      await composer.press('Enter')
      await messages
        .locator('li.message', { hasText: seenMe })
        .getByText('Seen by 1')
        .waitFor({ timeout: 20_000 })
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-alive.png') })

      // Scrolled up, new posts are counted on a button; one of the user's own brings it down.
      for (let i = 0; i < 14; i++) await bobLobby.post(text(`filler-${i}`))
      bobPosts += 14
      await messages.getByText(said.at(-1) as string).waitFor({ timeout: 15_000 })
      await messages.evaluate((list) => {
        list.scrollTop = 0
        list.dispatchEvent(new Event('scroll'))
      })
      const later = text('later')
      await bobLobby.post(later)
      bobPosts++
      const jump = popup.getByRole('button', { name: /1 new message/ })
      await jump.waitFor({ timeout: 15_000 })
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-new-messages.png') })
      const mine = text('mine-while-up')
      await composer.fill(mine)
      await composer.press('Enter')
      await messages.getByText(mine).waitFor()
      await waitFor(async () => await messages.getByText(mine).isVisible(), {
        timeoutMs: 5_000,
        what: 'the list to come down to the post just sent',
      })
      expect(await jump.count()).toBe(0)
    },
    STEP_MS,
  )

  it(
    "blocking bob hides his posts in the popup and in every tab's message events; undo in settings",
    async () => {
      aliceLobbyTwo = await PageDriver.open(alice, `${siteA.url}/trollbox.html`)
      expect(await aliceLobbyTwo.openSpace(SPACE)).toEqual({ did: aliceDid })
      await aliceLobbyTwo.join('lobby')
      const messages = popup.getByRole('list', { name: 'messages' })
      await messages
        .getByRole('button', { name: `Block ${bobDid}` })
        .first()
        .click()
      await hiddenNote(popup).waitFor()
      expect(await hiddenNote(popup).textContent()).toBe(
        `${bobPosts} messages from blocked people hidden`,
      )
      expect(await messages.getByText(said[0] as string).count()).toBe(0)

      const whileBlocked = text('while-blocked')
      await bobLobby.post(whileBlocked)
      // The host received it (the popup counts it as hidden) and no tab was given it.
      await popup
        .getByText(`${bobPosts + 1} messages from blocked people hidden`)
        .waitFor({ timeout: 15_000 })
      for (const tab of [aliceLobby, aliceLobbyTwo])
        expect(await tab.messages()).not.toContain(whileBlocked)
      expect(await aliceLobby.getPosts()).not.toContain(whileBlocked)

      await popup.getByRole('button', { name: 'Settings' }).click()
      const blocked = popup.getByRole('list', { name: 'blocked people' })
      await blocked.getByTitle(bobDid).waitFor()
      await popup.getByRole('button', { name: `Unblock ${bobDid}` }).click()
      await popup.getByText('Nobody is blocked.').waitFor()
      const afterUndo = text('after-unblock')
      await bobLobby.post(afterUndo)
      await aliceLobby.waitForMessage(afterUndo)
      await aliceLobbyTwo.waitForMessage(afterUndo)
      expect(await aliceLobby.messages()).not.toContain(whileBlocked)
    },
    STEP_MS,
  )

  it(
    'a recovery phrase exported here and imported into a fresh profile gives the same DID',
    async () => {
      const identities = popup.getByRole('list', { name: 'your DID per space' })
      await identities.getByTitle(aliceDid).waitFor()
      await popup.getByRole('button', { name: 'Show recovery phrase' }).click()
      expect(await popup.getByRole('list', { name: 'recovery phrase' }).count()).toBe(0)
      await popup.getByRole('button', { name: 'Show the words' }).click()
      const words = popup.getByRole('list', { name: 'recovery phrase' }).locator('li')
      await words.first().waitFor()
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-identity.png') })
      const list = await words.allTextContents()
      expect(list).toHaveLength(24)
      phrase = list.join(' ')
      await popup.getByRole('button', { name: 'Hide' }).click()

      const restored = await launch('alice-restored')
      const restoredPopup = await openPopup(restored)
      await restoredPopup.getByRole('button', { name: 'Settings' }).click()
      await restoredPopup.getByRole('button', { name: 'Import a recovery phrase' }).click()
      const box = restoredPopup.getByLabel(/Recovery phrase/)
      // A phrase with a word missing is refused, and nothing changes.
      await box.fill(list.slice(1).join(' '))
      await restoredPopup.getByRole('button', { name: 'Import', exact: true }).click()
      await restoredPopup.getByRole('button', { name: 'Replace my identity' }).click()
      await restoredPopup.getByText(/has 24 words; this one has 23/).waitFor()
      await box.fill(phrase)
      await restoredPopup.getByRole('button', { name: 'Import', exact: true }).click()
      await restoredPopup.getByRole('button', { name: 'Replace my identity' }).click()
      await restoredPopup.getByText(/Identity replaced/).waitFor({ timeout: 15_000 })

      const page = await PageDriver.open(restored, `${siteA.url}/trollbox.html`)
      const { prompt } = await page.openSpaceWithPrompt(SPACE, true)
      expect(prompt.did).toBe(aliceDid)
      await restoredPopup.reload()
      await restoredPopup.getByRole('button', { name: 'Settings' }).click()
      await restoredPopup
        .getByRole('list', { name: 'your DID per space' })
        .getByTitle(aliceDid)
        .waitFor()
      // A room open while the identity is replaced ends, and its page hears why.
      await page.join('replaced')
      await restoredPopup.getByRole('button', { name: 'Import a recovery phrase' }).click()
      await restoredPopup.getByLabel(/Recovery phrase/).fill(phrase)
      await restoredPopup.getByRole('button', { name: 'Import', exact: true }).click()
      await restoredPopup.getByRole('button', { name: 'Replace my identity' }).click()
      await restoredPopup.getByText(/Identity replaced/).waitFor({ timeout: 15_000 })
      await page.waitForClosed('identity-changed')
      expect(await page.post(text('after-import'))).toMatchObject({
        name: 'ThreadClosedError',
        message: expect.stringContaining('another identity'),
      })
    },
    STEP_MS * 2,
  )

  it(
    "leaving a room in the popup closes it in the site's tab, which says why",
    async () => {
      // Back to the room that was open, then to the list.
      await popup.getByRole('button', { name: 'Rooms', exact: true }).click()
      await popup.getByRole('button', { name: 'Back to rooms' }).waitFor()
      await popup.getByRole('button', { name: 'Rooms', exact: true }).click()
      // The demo dapp in a second tab of the same room (its own Join, by ?autojoin).
      const demo = await alice.context.newPage()
      await demo.goto(`${siteB.url}/trollbox.html?space=${OTHER_SPACE}&room=market&autojoin`)
      await demo.getByText(`In ${OTHER_SPACE} / market as`).waitFor({ timeout: 15_000 })
      expect(await demo.getByRole('button', { name: 'Join the room' }).isVisible()).toBe(false)
      await roomButton(popup, 'market').click()
      await popup.getByRole('button', { name: 'Leave', exact: true }).click()
      await popup.getByRole('button', { name: 'Leave for all tabs' }).click()
      await roomButton(popup, 'market').waitFor({ state: 'detached', timeout: 10_000 })
      // The page is told at once, with the reason, before it tries anything...
      await aliceMarket.waitForClosed('left-in-popup')
      // ...and the demo says so in plain words and offers to join again.
      const ended = 'You left this room in Ghost Threads. Join again to keep chatting.'
      await demo.locator('#status', { hasText: ended }).waitFor({ timeout: 10_000 })
      await demo.getByRole('button', { name: 'Join the room' }).waitFor()
      expect(await demo.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true)
      await demo.screenshot({ path: join(SCREENSHOTS, 'demo-room-ended.png') })
      await demo.close()
      expect(await aliceMarket.post(text('after-leave'))).toMatchObject({
        name: 'ThreadClosedError',
        code: 4900,
        message: expect.stringContaining('left this room in the Ghost Threads popup'),
      })
      // The other room is untouched.
      expect(await roomButton(popup, 'lobby').isVisible()).toBe(true)
      const still = text('lobby-still-open')
      await aliceLobby.post(still)
      await bobLobby.waitForMessage(still)
    },
    STEP_MS,
  )

  it(
    'leaves no message text and no recovery phrase in any profile directory',
    async () => {
      await Promise.all(browsers.map((browser) => browser.close()))
      expect(phrase.split(' ')).toHaveLength(24)
      expect(
        await textFoundOnDisk(
          browsers.map((browser) => browser.profileDir),
          [...said, phrase, ...signalTraces],
        ),
      ).toEqual([])
    },
    STEP_MS,
  )
})
