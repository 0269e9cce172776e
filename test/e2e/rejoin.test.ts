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

/** The demo in a fresh context without the extension, driven through its connect() provider. */
async function pageVisitor(): Promise<PageDriver<DrivenBrowser>> {
  const context = await plain.newContext()
  contexts.push(context)
  const page = await context.newPage()
  await page.goto(`${site.url}/index.html?relay=${encodeURIComponent(relay.address)}`)
  await page.waitForFunction(() => 'trollbox' in window)
  await page.evaluate(() => {
    const w = window as unknown as {
      ghostThreads?: unknown
      trollbox: { connection: { provider: unknown } }
    }
    w.ghostThreads ??= w.trollbox.connection.provider
  })
  return new PageDriver(
    {
      name: 'page host',
      answerPrompt: () => Promise.reject(new Error('no prompt without the extension')),
      hostStatus: () => Promise.reject(new Error('no host status without the extension')),
    },
    page,
  )
}

/** Closes the page's thread, as a dapp leaving the room's view. */
function closeThread(driver: PageDriver<DrivenBrowser, Page>): Promise<void> {
  return driver.page.evaluate(async () => {
    await (window as unknown as { __thread: { close(): Promise<void> } }).__thread.close()
  })
}

/** Until the page's log holds a backlog event with every one of `texts`. */
function untilBacklogHolds(driver: PageDriver<DrivenBrowser, Page>, texts: string[]) {
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
  ext.alice = await PageDriver.open(a, `${site.url}/index.html`)
  ext.bob = await PageDriver.open(b, `${site.url}/index.html`)
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
  it(
    'with the extension: close, join again within the minute, and bob’s posts come back; a second tab gets them too',
    async () => {
      const [alice, bob] = [ext.alice as PageDriver, ext.bob as PageDriver]
      await alice.openSpaceWithPrompt(SPACE, true)
      const { outcome } = await bob.openSpaceWithPrompt(SPACE, true)
      const bobDid = (outcome as { did: string }).did
      await alice.join(ROOM.ext)
      await bob.join(ROOM.ext)
      await alice.waitForLog('bob', (entry) => entry[0] === 'joined' && entry[1] === bobDid)
      bobSaid.ext = [text('ext-1'), text('ext-2'), text('ext-3')]
      for (const said of bobSaid.ext) await bob.post(said)
      for (const said of bobSaid.ext) await alice.waitForMessage(said)

      await closeThread(alice)
      await alice.join(ROOM.ext)
      await untilBacklogHolds(alice, bobSaid.ext)
      expect(await alice.getPosts()).toEqual(bobSaid.ext)
      expect((await alice.log()).some((entry) => entry[0] === 'message')).toBe(false)
      expect(await alice.members()).toContain(bobDid)

      // A second tab of alice's joins the room her first tab holds: the same backlog and bob.
      const browser = ext.aliceBrowser as ExtensionBrowser
      const second = await PageDriver.open(browser, `${site.url}/index.html`)
      await second.openSpace(SPACE)
      await second.join(ROOM.ext)
      await untilBacklogHolds(second, bobSaid.ext)
      await second.waitForLog('bob in the second tab', (e) => e[0] === 'joined' && e[1] === bobDid)
      await second.page.close()
    },
    STEP_MS,
  )

  it(
    'with the in-page SDK: close, join again within the minute, and bob’s posts come back',
    async () => {
      const [alice, bob] = [
        web.alice as PageDriver<DrivenBrowser>,
        web.bob as PageDriver<DrivenBrowser>,
      ]
      await alice.openSpace(SPACE)
      const bobDid = ((await bob.openSpace(SPACE)) as { did: string }).did
      await alice.join(ROOM.web)
      await bob.join(ROOM.web)
      await alice.waitForLog('bob', (entry) => entry[0] === 'joined' && entry[1] === bobDid)
      bobSaid.web = [text('web-1'), text('web-2'), text('web-3')]
      for (const said of bobSaid.web) await bob.post(said)
      for (const said of bobSaid.web) await alice.waitForMessage(said)

      await closeThread(alice)
      await alice.join(ROOM.web)
      await untilBacklogHolds(alice, bobSaid.web)
      expect(await alice.getPosts()).toEqual(bobSaid.web)
      expect((await alice.log()).some((entry) => entry[0] === 'message')).toBe(false)
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
