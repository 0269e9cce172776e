/**
 * A visitor of the demo dapp without the extension: the page runs `connect()`, finds no
 * extension and hosts the node itself; the driver then uses the provider it got as
 * `window.ghostThreads`. Shared by the in-page SDK's browser tests.
 */
import type { Page } from 'playwright-core'
import { type DrivenBrowser, PageDriver } from './page-driver.js'

/** What the page got from connect(). */
export interface Connected {
  kind: 'extension' | 'page'
  webrtc?: boolean
  status: string
}

/** Opens the demo at `url` with `relay` for its in-page host and waits for its connect(). */
export async function openDemo(page: Page, url: string, relay: string): Promise<Connected> {
  await page.goto(`${url}/trollbox.html?relay=${encodeURIComponent(relay)}`)
  await page.waitForFunction(
    () =>
      'trollbox' in window || /\(\d+\)/.test(document.getElementById('status')?.textContent ?? ''),
  )
  return page.evaluate(() => {
    const w = window as unknown as {
      trollbox?: { connection: { kind: 'extension' | 'page'; webrtc?: boolean } }
    }
    return {
      kind: w.trollbox?.connection.kind ?? 'page',
      ...(w.trollbox?.connection.webrtc === undefined
        ? {}
        : { webrtc: w.trollbox.connection.webrtc }),
      status: document.getElementById('status')?.textContent ?? '',
    }
  })
}

/** A driver for a demo page opened with openDemo, through the provider its connect() gave. */
export async function demoDriver(page: Page): Promise<PageDriver<DrivenBrowser>> {
  // The driver's page functions call window.ghostThreads: give them the page's provider.
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
