/**
 * A single-page dapp navigating away from a room and back (issue 21), in real Chromium:
 * with the extension and with the in-page SDK (`connect()`, no extension), through the
 * relay process. Alice closes her thread and joins again — within the minute (the same
 * node, whose receipt rules still hold every post's jti) and after her space's node
 * stopped (a fresh node, a new peer id) — and sees the room's history both times. A
 * second tab of hers gets what the first got; the refused operations reach a `.catch`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { type ExtensionBrowser, launchPlainChromium } from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { demoDriver, openDemo } from './demo-visitor.js'
import { type DrivenBrowser, PageDriver } from './page-driver.js'
import { browserSet, postedTexts, STEP_MS } from './session.js'

const SPACE = 'rejoin-space'
/** One room for the extension's pair, another for the in-page pair: each history its own. */
const ROOM = { ext: 'ext-lobby', web: 'web-lobby' }
const { text } = postedTexts('rejoin')
/** A space's node stops a minute after its last room closed (SPACE_IDLE_STOP_MS). */
const NODE_GONE_MS = 120_000

let relay: RelayProcess
let site: StaticServer
let plain: Browser
const contexts: BrowserContext[] = []
const session = browserSet(() => relay.address)

/** Both ways of running it: the extension's provider, and the page's own host. */
const ext: { alice?: PageDriver; bob?: PageDriver; aliceBrowser?: ExtensionBrowser } = {}
const web: { alice?: PageDriver<DrivenBrowser>; bob?: PageDriver<DrivenBrowser> } = {}
const bobSaid = { ext: [] as string[], web: [] as string[] }

/** The demo in a fresh context (a person) without the extension. */
async function pageVisitor(): Promise<PageDriver<DrivenBrowser>> {
  const context = await plain.newContext()
  contexts.push(context)
  const page = await context.newPage()
  await openDemo(page, site.url, relay.address)
  return demoDriver(page)
}

type Driver = PageDriver<DrivenBrowser, Page>

/** Closes the page's thread, as a dapp leaving the room's view. */
function closeThread(driver: Driver): Promise<void> {
  return driver.page.evaluate(async () => {
    await (window as unknown as { __thread: { close(): Promise<void> } }).__thread.close()
  })
}

/** Until the page's log holds a backlog event with every one of `texts`. */
function untilBacklogHolds(driver: Driver, texts: string[]) {
  return driver.waitForLog(
    `a backlog with ${texts.join(', ')}`,
    (entry) => entry[0] === 'backlog' && texts.every((said) => entry[1].includes(said)),
  )
}

beforeAll(async () => {
  relay = await RelayProcess.start()
  site = await serveDemo()
  plain = await launchPlainChromium()
  const [a, b] = await Promise.all([session.launch('alice'), session.launch('bob')])
  ext.aliceBrowser = a
  ext.alice = await PageDriver.open(a, `${site.url}/trollbox.html`)
  ext.bob = await PageDriver.open(b, `${site.url}/trollbox.html`)
  web.alice = await pageVisitor()
  web.bob = await pageVisitor()
}, STEP_MS)

afterAll(async () => {
  await session.closeAll()
  await Promise.all(contexts.map((context) => context.close().catch(() => undefined)))
  await plain?.close()
  await site?.close()
  await relay?.stop()
}, STEP_MS)

describe('a rejoin keeps the room’s history, in real Chromium', () => {
  /** Both in `room`, bob posts three times, alice hears each; bob's DID and texts. */
  async function bobPostsTo(alice: Driver, bob: Driver, room: string, label: string) {
    const bobDid = ((await bob.openSpace(SPACE)) as { did: string }).did
    await alice.join(room)
    await bob.join(room)
    await alice.waitForLog('bob', (entry) => entry[0] === 'joined' && entry[1] === bobDid)
    const said = [1, 2, 3].map((n) => text(`${label}-${n}`))
    for (const post of said) await bob.post(post)
    for (const post of said) await alice.waitForMessage(post)
    return { bobDid, said }
  }

  /** Alice closes her thread and joins again: bob's posts come back as backlog, not as news. */
  async function rejoinSees(alice: Driver, room: string, said: string[]) {
    await closeThread(alice)
    await alice.join(room)
    await untilBacklogHolds(alice, said)
    expect(await alice.getPosts()).toEqual(said)
    expect((await alice.log()).some((entry) => entry[0] === 'message')).toBe(false)
  }

  it(
    'with the extension: close, join again within the minute, and bob’s posts come back; a second tab gets them too',
    async () => {
      const [alice, bob] = [ext.alice as PageDriver, ext.bob as PageDriver]
      await alice.openSpaceWithPrompt(SPACE, true)
      await bob.openSpaceWithPrompt(SPACE, true)
      const { bobDid, said } = await bobPostsTo(alice, bob, ROOM.ext, 'ext')
      bobSaid.ext = said
      await rejoinSees(alice, ROOM.ext, said)
      expect(await alice.members()).toContain(bobDid)

      // A second tab of alice's joins the room her first tab holds: the same backlog and bob.
      const browser = ext.aliceBrowser as ExtensionBrowser
      const second = await PageDriver.open(browser, `${site.url}/trollbox.html`)
      await second.openSpace(SPACE)
      await second.join(ROOM.ext)
      await untilBacklogHolds(second, said)
      await second.waitForLog('bob in the second tab', (e) => e[0] === 'joined' && e[1] === bobDid)
      await second.page.close()
    },
    STEP_MS,
  )

  it(
    'with the in-page SDK: close, join again within the minute, and bob’s posts come back',
    async () => {
      const [alice, bob] = [web.alice as Driver, web.bob as Driver]
      await alice.openSpace(SPACE)
      const { said } = await bobPostsTo(alice, bob, ROOM.web, 'web')
      bobSaid.web = said
      await rejoinSees(alice, ROOM.web, said)
    },
    STEP_MS,
  )

  it(
    'in both, after the space’s node stopped (a minute idle): a fresh node, and the history again',
    async () => {
      const [extAlice, webAlice] = [ext.alice as PageDriver, web.alice as PageDriver<DrivenBrowser>]
      const before = await extAlice.browser.hostStatus()
      expect(before.peerIds).toHaveLength(1)
      const relayPeers = await relay.metric('ghost_relay_peers')
      await Promise.all([closeThread(extAlice), closeThread(webAlice)])
      // Both of alice's nodes go from the relay once they stopped: waited for, not slept.
      const deadline = Date.now() + NODE_GONE_MS
      while (
        (await extAlice.browser.hostStatus()).peerIds.length > 0 ||
        (await relay.metric('ghost_relay_peers')) > relayPeers - 2
      ) {
        if (Date.now() > deadline) throw new Error('alice’s space nodes did not stop when idle')
        await new Promise((resolve) => setTimeout(resolve, 1_000))
      }
      await Promise.all([extAlice.join(ROOM.ext), webAlice.join(ROOM.web)])
      await Promise.all([
        untilBacklogHolds(extAlice, bobSaid.ext),
        untilBacklogHolds(webAlice, bobSaid.web),
      ])
      const after = await extAlice.browser.hostStatus()
      expect(after.peerIds).toHaveLength(1)
      expect(after.peerIds[0]).not.toBe(before.peerIds[0])
      expect(await extAlice.getPosts()).toEqual(bobSaid.ext)
      expect(await webAlice.getPosts()).toEqual(bobSaid.web)
    },
    NODE_GONE_MS + STEP_MS,
  )

  it(
    'the operations ghost threads lack reject in the page, so the dapp’s .catch runs (extension and in-page)',
    async () => {
      for (const driver of [ext.alice as PageDriver, web.alice as PageDriver<DrivenBrowser>]) {
        const caught = await driver.page.evaluate(async () => {
          const thread = (
            window as unknown as { __thread: Record<string, (arg?: string) => Promise<unknown>> }
          ).__thread
          const names: string[] = []
          for (const method of ['deletePost', 'addModerator', 'listModerators', 'addMember']) {
            // As a 3box-era dapp writes it: no try, a .catch on the promise.
            await thread[method]?.('x').catch((err: { name: string; code: number }) =>
              names.push(`${err.name}:${err.code}`),
            )
          }
          return { names, isGhost: (thread as unknown as { isGhost: boolean }).isGhost }
        })
        expect(caught).toEqual({
          names: Array(4).fill('UnsupportedOperationError:4200'),
          isGhost: true,
        })
      }
    },
    STEP_MS,
  )
})
