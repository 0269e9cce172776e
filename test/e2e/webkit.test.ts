/**
 * `<ghost-chat>` in WebKit — the engine of Safari and of every iOS dapp browser — as
 * Debian's WebKitGTK runs it under plain W3C WebDriver (tools/webkit-browser.ts): the demo
 * page's widget, with its host in the page (WebKit has no RTCPeerConnection: relays only),
 * chats both ways with a Chromium visitor through the relay process.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { launchPlainChromium } from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { launchWebKit, type WebKitPage } from '../../tools/webkit-browser.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'
import { postedTexts, SCREENSHOTS, STEP_MS } from './session.js'
import { pressJoin, sendInWidget } from './widget-page.js'

const { text } = postedTexts('webkit')

let relay: RelayProcess
let site: StaticServer
let webkit: WebKitPage | undefined
let chromium: Browser | undefined

beforeAll(async () => {
  relay = await RelayProcess.start()
  site = await serveDemo()
  webkit = await launchWebKit()
  chromium = await launchPlainChromium()
}, STEP_MS)

afterAll(async () => {
  await webkit?.close()
  await chromium?.close()
  await site?.close()
  await relay?.stop()
}, STEP_MS)

/** What the widget in the WebKit page shows: its lines' texts and the online heading. */
function widgetState(page: WebKitPage) {
  return page.evaluate(() => {
    const root = document.querySelector('ghost-chat')?.shadowRoot
    return {
      online: root?.querySelector('.members h2')?.textContent ?? '',
      lines: [...(root?.querySelectorAll('.line .text') ?? [])].map((line) => line.textContent),
      composer: root?.querySelector('form.composer') !== null && root !== undefined,
      rtc: typeof RTCPeerConnection,
    }
  })
}

describe('<ghost-chat> in WebKitGTK', () => {
  it(
    'joins through the in-page host (relays only) and chats both ways with Chromium',
    async () => {
      const page = webkit as WebKitPage
      const url = `${site.url}/index.html?space=webkit-space&room=lobby&relay=${encodeURIComponent(relay.address)}`
      await page.goto(url)
      await waitFor(() => page.evaluate(pressJoin), {
        timeoutMs: 30_000,
        what: 'the widget to offer Join in WebKit',
      })
      await waitFor(async () => (await widgetState(page)).composer, {
        timeoutMs: 30_000,
        what: 'WebKit in the room',
      })
      expect((await widgetState(page)).rtc).toBe('undefined')

      const other: Page = await (chromium as Browser).newPage()
      await other.goto(url)
      const chat = other.locator('ghost-chat')
      await chat.getByRole('button', { name: 'Join the chat' }).click()
      await chat.getByRole('heading', { name: '2 online' }).waitFor({ timeout: 30_000 })
      await waitFor(async () => (await widgetState(page)).online === '2 online', {
        timeoutMs: 30_000,
        what: 'two online in WebKit',
      })

      const fromWebKit = text('from')
      await page.evaluate(sendInWidget, fromWebKit)
      await chat.locator('.line', { hasText: fromWebKit }).waitFor({ timeout: 30_000 })

      const toWebKit = text('to')
      await chat.getByRole('textbox', { name: 'Message' }).fill(toWebKit)
      await chat.getByRole('textbox', { name: 'Message' }).press('Enter')
      await waitFor(async () => (await widgetState(page)).lines.includes(toWebKit), {
        timeoutMs: 30_000,
        what: "Chromium's post in WebKit",
      })
      await page.screenshot(join(SCREENSHOTS, 'widget-webkit.png'))
    },
    3 * STEP_MS,
  )
})
