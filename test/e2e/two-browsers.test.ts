/**
 * The extension end to end: real headless Chromium (Debian's), the built extension in
 * dist/chrome, one profile per person, the demo page served on 127.0.0.1 and the relay as
 * a real process. Steps run in order and share the browsers, as a person's session would.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Page } from 'playwright-core'
import { directRoomPeers } from '../../tools/extension-browser.js'
import type { StaticServer } from '../../tools/static-server.js'
import type { RelayProcess } from '../helpers/relay-process.js'
import { PageDriver } from './page-driver.js'
import { textFoundOnDisk } from './profile-scan.js'
import { postedTexts, SCREENSHOTS, STEP_MS } from './session.js'
import { useTwoVisitors } from './two-visitors.js'

const SPACE = 'e2e-space'
const ROOM = 'lobby'
/** Every text posted in this file: none may be found in a profile directory afterwards. */
const { said, text } = postedTexts('gt')

const visitors = useTwoVisitors({ otherSites: 1 })
const { browsers, launch } = visitors.session
let relay: RelayProcess
let site: StaticServer
let otherSite: StaticServer
let alice: PageDriver
let bob: PageDriver
let aliceDid = ''
let bobDid = ''

beforeAll(() => {
  ;({ relay, site, alice, bob } = visitors)
  otherSite = visitors.otherSites[0] as StaticServer
})

describe('two people in real Chromium with the extension', () => {
  it('offers window.ghostThreads before the page runs, and announces it', async () => {
    const seen = await alice.page.evaluate(() => {
      const w = window as unknown as { ghostThreads?: { isGhostThreads?: boolean } }
      let announced: unknown
      window.addEventListener('ghostThreads:announceProvider', (event) => {
        announced = (event as CustomEvent<{ info: { name: string }; provider: unknown }>).detail
      })
      window.dispatchEvent(new Event('ghostThreads:requestProvider'))
      const detail = announced as { info: { name: string }; provider: unknown } | undefined
      return {
        global: w.ghostThreads?.isGhostThreads,
        announcedName: detail?.info.name,
        sameProvider: detail?.provider === w.ghostThreads,
        statusLine: document.getElementById('status')?.textContent,
      }
    })
    expect(seen).toEqual({
      global: true,
      announcedName: 'Ghost Threads',
      sameProvider: true,
      statusLine: 'Ghost Threads is here. Join the room to chat.',
    })
  })

  it(
    'asks in a prompt window before a site may open a space; Allow gives the DID shown',
    async () => {
      const a = await alice.openSpaceWithPrompt(SPACE, true)
      const b = await bob.openSpaceWithPrompt(SPACE, true)
      expect(a.prompt).toEqual({
        origin: site.url,
        space: SPACE,
        did: expect.stringMatching(/^did:key:z/),
        relays: [],
      })
      expect(a.outcome).toEqual({ did: a.prompt.did })
      expect(b.outcome).toEqual({ did: b.prompt.did })
      aliceDid = a.prompt.did
      bobDid = b.prompt.did
      expect(aliceDid).not.toBe(bobDid)
      // Decided once: the same site asks again without a prompt and gets the same DID.
      expect(await alice.openSpace(SPACE)).toEqual({ did: aliceDid })
    },
    STEP_MS,
  )

  it(
    'both join the room, see each other join, and list each other',
    async () => {
      await alice.join(ROOM)
      await bob.join(ROOM)
      await alice.waitForLog('bob joined', (entry) => entry[0] === 'joined' && entry[1] === bobDid)
      // Bob learns of alice from her presence answer to his join.
      await bob.waitForLog('alice seen', (entry) => entry[0] === 'joined' && entry[1] === aliceDid)
      expect((await alice.members()).sort()).toEqual([aliceDid, bobDid].sort())
      expect((await bob.members()).sort()).toEqual([aliceDid, bobDid].sort())
    },
    STEP_MS,
  )

  it(
    'the popup lists the room with the site using it, and its settings',
    async () => {
      const popup = await alice.browser.context.newPage()
      await popup.setViewportSize({ width: 360, height: 600 })
      await popup.goto(`chrome-extension://${alice.browser.extensionId}/popup.html`)
      const room = popup.locator('button.room', { hasText: ROOM })
      await room.waitFor({ timeout: 10_000 })
      expect(await room.textContent()).toContain('2 online')
      expect(await room.textContent()).toContain(site.url)
      expect(await popup.getByRole('region', { name: `space ${SPACE}` }).isVisible()).toBe(true)
      expect(await popup.getByRole('status').textContent()).toContain('relay connected')
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-rooms.png') })
      await popup.getByRole('button', { name: 'Settings' }).click()
      await popup.getByText(site.url).waitFor()
      expect(await popup.getByLabel(/Relay addresses/).inputValue()).toBe(relay.address)
      // Off unless the user turns it on: sites may not name relays inside the user's network.
      const local = popup.getByRole('checkbox', { name: /Sites may name relays on this computer/ })
      expect(await local.isChecked()).toBe(false)
      await popup.screenshot({ path: join(SCREENSHOTS, 'popup-settings.png') })
      await popup.close()
    },
    STEP_MS,
  )

  it(
    'chats both ways; each message arrives once',
    async () => {
      const hello = text('hello')
      const reply = text('reply')
      await alice.post(hello)
      await bob.waitForMessage(hello)
      await bob.post(reply)
      await alice.waitForMessage(reply)
      expect((await bob.messages()).filter((m) => m === hello)).toHaveLength(1)
      expect(await alice.messages()).toEqual([hello, reply])
      expect(await bob.authorOf(hello)).toBe(aliceDid)
    },
    STEP_MS,
  )

  it(
    'refuses bad input with named errors and keeps the room working',
    async () => {
      expect(await alice.request('deleteEverything', {})).toMatchObject({
        name: 'UnsupportedMethodError',
        code: 4200,
      })
      expect(await alice.post('x'.repeat(9_000))).toMatchObject({
        name: 'MessageTooLargeError',
        code: -32602,
      })
      expect(await alice.post('x'.repeat(40_000))).toMatchObject({
        name: 'InvalidRequestError',
        code: -32602,
      })
      // Nested 2,500 deep (5 KB): the schema check overflowed and the page never heard back.
      expect(await alice.postNested(2_500)).toMatchObject({
        name: 'InvalidRequestError',
        code: -32602,
        message: expect.stringContaining('nest at most'),
      })
      // What a page may hand post() that is no JSON: said in our words, never the browser's
      // DataCloneError or the validation library's "Invalid input".
      const notJson = await alice.page.evaluate(async () => {
        const thread = (window as unknown as { __thread: { post(m: unknown): Promise<string> } })
          .__thread
        const said: string[] = []
        for (const message of [() => 1, undefined, Number.NaN, new Date(0)])
          await thread.post(message).catch((err: Error) => said.push(`${err.name}: ${err.message}`))
        let bogus = ''
        try {
          ;(thread as unknown as { on(e: string, f: () => void): void }).on('bogus', () => {})
        } catch (err) {
          bogus = `${(err as Error).name}: ${(err as Error).message}`
        }
        return { said, bogus }
      })
      expect(notJson.said).toHaveLength(4)
      expect(notJson.said[0]).toMatch(
        /^InvalidRequestError: The params of post cannot be sent to Ghost Threads: use JSON values only/,
      )
      for (const said of notJson.said.slice(1))
        expect(said).toMatch(/params.message for post: must be a JSON value/)
      expect(notJson.said.join(' ')).not.toMatch(/DataCloneError|Invalid input/)
      expect(notJson.bogus).toMatch(
        /^InvalidArgumentError: thread.on takes one of the thread's events: message, user-joined, user-left, backlog-received, delivery, missed, typing, reactions, seen, members, moved, closed; got "bogus"/,
      )
      expect(await alice.request('joinThread', { space: SPACE, room: 'bad room!' })).toMatchObject({
        code: -32602,
        message: expect.stringContaining('room name'),
      })
      expect(await alice.request('post', { thread: 'A'.repeat(22), message: 'hi' })).toMatchObject({
        name: 'UnknownThreadError',
        code: 4900,
      })
      // Handles per page and room are capped: the page holds one, seven more, then no.
      const extra: string[] = []
      for (let i = 0; i < 7; i++) {
        const joined = await alice.request('joinThread', { space: SPACE, room: ROOM })
        extra.push((joined as { result: { thread: string } }).result.thread)
      }
      expect(await alice.request('joinThread', { space: SPACE, room: ROOM })).toMatchObject({
        name: 'TooManyThreadsError',
        code: -32005,
      })
      for (const thread of extra) await alice.request('closeThread', { thread })
      const after = text('after-bad-input')
      await alice.post(after)
      await bob.waitForMessage(after)
    },
    STEP_MS,
  )

  it(
    'another origin cannot use the grant: 4100 before asking, 4001 once denied, remembered',
    async () => {
      const stranger = await PageDriver.open(alice.browser, `${otherSite.url}/trollbox.html`)
      expect(await stranger.request('joinThread', { space: SPACE, room: ROOM })).toMatchObject({
        name: 'UnauthorizedError',
        code: 4100,
      })
      const denied = await stranger.openSpaceWithPrompt(SPACE, false)
      expect(denied.prompt.origin).toBe(otherSite.url)
      expect(denied.outcome).toMatchObject({ name: 'UserRejectedError', code: 4001 })
      // Remembered: no prompt this time, the same refusal.
      expect(await stranger.openSpace(SPACE)).toMatchObject({
        name: 'UserRejectedError',
        code: 4001,
      })
      expect(await stranger.request('joinThread', { space: SPACE, room: ROOM })).toMatchObject({
        code: 4100,
      })
      await stranger.page.close()
    },
    STEP_MS,
  )

  it(
    'a second tab of the allowed origin shares the grant and the room',
    async () => {
      const secondTab = await PageDriver.open(alice.browser, `${site.url}/trollbox.html`)
      expect(await secondTab.openSpace(SPACE)).toEqual({ did: aliceDid })
      await secondTab.join(ROOM)
      const both = text('to-both-tabs')
      await bob.post(both)
      await secondTab.waitForMessage(both)
      await alice.waitForMessage(both)
      await secondTab.page.close()
      // The first tab still holds the room: bob must not see alice leave.
      const still = text('still-here')
      await alice.post(still)
      await bob.waitForMessage(still)
      expect((await bob.log()).some((entry) => entry[0] === 'left')).toBe(false)
    },
    STEP_MS,
  )

  it(
    'a third person joining late receives the backlog, then a DM reaches only its target',
    async () => {
      const carolBrowser = await launch('carol')
      const carol = await PageDriver.open(carolBrowser, `${site.url}/trollbox.html`)
      const { prompt } = await carol.openSpaceWithPrompt(SPACE, true)
      const carolDid = prompt.did
      await carol.join(ROOM)
      await carol.waitForLog('the backlog', (entry) => entry[0] === 'backlog')
      const backlog = (await carol.log()).find((entry) => entry[0] === 'backlog')?.[1] as unknown[]
      expect(backlog).toEqual(expect.arrayContaining(said.filter((t) => !t.includes('to-carol'))))
      expect(await carol.getPosts()).toEqual(expect.arrayContaining([said[0]]))
      await alice.waitForLog(
        'carol joined',
        (entry) => entry[0] === 'joined' && entry[1] === carolDid,
      )

      const secret = text('dm-to-carol')
      expect(await alice.post(secret, carolDid)).toEqual(expect.stringMatching(/^bafy/))
      await carol.waitForLog(
        'the DM',
        (entry) => entry[0] === 'message' && entry[2] === secret && entry[3] === carolDid,
      )
      const open = text('after-dm')
      await alice.post(open)
      await bob.waitForMessage(open)
      expect(await bob.messages()).not.toContain(secret)

      await carol.page.close()
      await alice.waitForLog('carol left', (entry) => entry[0] === 'left' && entry[1] === carolDid)
      await bob.waitForLog('carol left', (entry) => entry[0] === 'left' && entry[1] === carolDid)
    },
    STEP_MS * 2,
  )

  it(
    'keeps chatting when Chrome stops the service worker mid-chat',
    async () => {
      const before = text('before-sw-stop')
      await alice.post(before)
      await bob.waitForMessage(before)
      await Promise.all([alice.browser.stopServiceWorker(), bob.browser.stopServiceWorker()])
      const during = text('after-sw-stop')
      expect(await alice.post(during)).toEqual(expect.stringMatching(/^bafy/))
      await bob.waitForMessage(during)
      const back = text('reply-after-sw-stop')
      await bob.post(back)
      await alice.waitForMessage(back)
      expect((await alice.members()).sort()).toEqual([aliceDid, bobDid].sort())
    },
    STEP_MS,
  )

  it(
    'goes on over direct WebRTC after the relay stops',
    async () => {
      // Direct once each side gossips the room with the other over WebRTC (subscriptions
      // travel over the new connection; gossipsub never runs over relayed circuits).
      expect(await directRoomPeers([alice.browser, bob.browser], 45_000)).toEqual([1, 1])
      expect(await relay.stop()).toBe(0)
      const overWebRTC = text('over-webrtc')
      await alice.post(overWebRTC)
      await bob.waitForMessage(overWebRTC)
      const answer = text('answer-over-webrtc')
      await bob.post(answer)
      await alice.waitForMessage(answer)
      expect((await alice.browser.hostStatus()).relays.every((r) => !r.connected)).toBe(true)
    },
    STEP_MS * 2,
  )

  it(
    'opens one permission prompt per site at a time; a closed one is a refusal for a while',
    async () => {
      const prompts: Page[] = []
      const onPage = (page: Page) => {
        if (page.url().includes('/prompt.html')) prompts.push(page)
      }
      alice.browser.context.on('page', onPage)
      try {
        const spaces = Array.from({ length: 30 }, (_, i) => `flood-${i}`)
        const asking = alice.openSpaces(spaces)
        const deadline = Date.now() + 10_000
        while (prompts.length === 0 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50))
        await new Promise((resolve) => setTimeout(resolve, 1_000)) // no second one comes
        expect(prompts).toHaveLength(1)
        await prompts[0]?.close() // the user closes it without choosing
        const outcomes = await asking
        const names = outcomes.map((outcome) => ('name' in outcome ? outcome.name : 'allowed'))
        expect(names.filter((name) => name === 'PromptPendingError')).toHaveLength(29)
        expect(names.filter((name) => name === 'UserRejectedError')).toHaveLength(1)
        // Asking again at once opens nothing: the closed prompt counts as a refusal.
        const asked = spaces[names.indexOf('UserRejectedError')] as string
        expect(await alice.openSpace(asked)).toMatchObject({
          name: 'UserRejectedError',
          code: 4001,
          message: expect.stringContaining('60 s'),
        })
        expect(prompts).toHaveLength(1)
      } finally {
        alice.browser.context.off('page', onPage)
      }
    },
    STEP_MS,
  )

  it(
    'refuses a burst of posts past what receivers accept, by name, and delivers every post it reported sent',
    async () => {
      // A burst past what receivers accept from one DID (here over WebRTC, the relay is
      // down): the excess is refused by name, and every post reported as sent arrives.
      const burst = Array.from({ length: 60 }, (_, i) => text(`burst-${i}`))
      const outcomes = await bob.postAll(burst)
      const refused = outcomes.filter((outcome) => typeof outcome !== 'string')
      expect(refused.length).toBeGreaterThan(0)
      expect(refused[0]).toMatchObject({ name: 'RateLimitedError', code: -32005 })
      const sent = burst.filter((_, i) => typeof outcomes[i] === 'string')
      for (const posted of sent) await alice.waitForMessage(posted)
    },
    STEP_MS,
  )

  it(
    "revoking the site in the popup ends its thread: the page hears 'closed' (revoked) and its next call fails with 4100",
    async () => {
      const popup = await alice.browser.context.newPage()
      await popup.goto(`chrome-extension://${alice.browser.extensionId}/popup.html`)
      await popup.getByRole('button', { name: 'Settings' }).click()
      const revoke = popup.getByRole('button', { name: `Revoke ${site.url} in ${SPACE}` })
      await revoke.click()
      await revoke.waitFor({ state: 'detached', timeout: 10_000 })
      // The other origin's denial stays listed: only the revoked decision went.
      expect(await popup.getByText(otherSite.url).isVisible()).toBe(true)
      await alice.waitForClosed('revoked')
      expect(await alice.post(text('after-revoke'))).toMatchObject({
        name: 'UnauthorizedError',
        code: 4100,
      })
      expect(await alice.request('joinThread', { space: SPACE, room: ROOM })).toMatchObject({
        code: 4100,
      })
      await popup.close()
    },
    STEP_MS,
  )

  it(
    'leaves no message text anywhere in the profile directories',
    async () => {
      await Promise.all(browsers.map((browser) => browser.close()))
      expect(said.length).toBeGreaterThan(10)
      expect(
        await textFoundOnDisk(
          browsers.map((browser) => browser.profileDir),
          said,
        ),
      ).toEqual([])
    },
    STEP_MS,
  )
})
