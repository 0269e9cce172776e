/**
 * What the extension adds to a page that does not chat (issue 23): its two content
 * scripts run in every http(s) page the user opens, at document_start. The same plain
 * page is loaded in turn by a Chromium with the extension and one without, on the same
 * machine, and the navigation timings compared.
 */
import type { Browser } from 'playwright-core'
import type { ExtensionBrowser } from '../tools/extension-browser.js'
import { serveDemo } from '../tools/static-server.js'
import { atMost, percentile, type Row } from './table.js'

const LOADS = 40
const WARM_UP = 5

interface Timings {
  domContentLoadedMs: number
  loadMs: number
}

async function loadTimes(open: () => Promise<import('playwright-core').Page>, url: string) {
  const page = await open()
  const times: Timings[] = []
  for (let i = 0; i < WARM_UP + LOADS; i++) {
    await page.goto(`${url}?n=${i}`, { waitUntil: 'load' })
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      return { domContentLoadedMs: nav.domContentLoadedEventEnd, loadMs: nav.loadEventEnd }
    })
    if (i >= WARM_UP) times.push(timing)
  }
  await page.close()
  return times
}

export async function pageLoadRows(
  withExtension: ExtensionBrowser,
  plain: Browser,
): Promise<Row[]> {
  const site = await serveDemo(0, new URL('./fixtures', import.meta.url).pathname)
  try {
    const url = `${site.url}/plain-page.html`
    const context = await plain.newContext()
    // In turn, so that both meet the same machine: plain, extension, plain, extension.
    const without: Timings[] = []
    const withIt: Timings[] = []
    for (let round = 0; round < 2; round++) {
      without.push(...(await loadTimes(() => context.newPage(), url)))
      withIt.push(...(await loadTimes(() => withExtension.context.newPage(), url)))
    }
    await context.close()
    const p50 = (values: Timings[], key: keyof Timings) =>
      percentile(
        values.map((t) => t[key]),
        50,
      )
    const added = (key: keyof Timings) => p50(withIt, key) - p50(without, key)
    const shown = (key: keyof Timings) =>
      `${p50(without, key).toFixed(1)} → ${p50(withIt, key).toFixed(1)} ms (+${added(key).toFixed(1)})`
    return [
      {
        measure: `plain page, DOMContentLoaded p50 of ${2 * LOADS}: without → with the extension`,
        ...atMost(added('domContentLoadedMs'), 5, 'ms added'),
        result: shown('domContentLoadedMs'),
      },
      {
        measure: `plain page, load p50 of ${2 * LOADS}: without → with the extension`,
        ...atMost(added('loadMs'), 5, 'ms added'),
        result: shown('loadMs'),
      },
    ]
  } finally {
    await site.close()
  }
}
