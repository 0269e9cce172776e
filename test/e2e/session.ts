/**
 * What each browser test file keeps for its whole session: the texts it posted (none may
 * be found on disk afterwards) and the browsers it launched (closed, then searched).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type ExtensionBrowser, launchExtensionBrowser } from '../../tools/extension-browser.js'

export const STEP_MS = 60_000
/** Looked at by people: the popup at its real size (360 × 600). */
export const SCREENSHOTS = join(import.meta.dirname, '../../test-results')
// Made here, before any file's first screenshot: on a fresh clone the Firefox file ran
// first, and its screenshot found no folder to go in.
mkdirSync(SCREENSHOTS, { recursive: true })

/** Unique texts for one file's posts, each remembered. */
export function postedTexts(prefix: string) {
  const token = Math.random().toString(36).slice(2, 10)
  const said: string[] = []
  const text = (label: string): string => {
    const value = `${prefix}-${label}-${token}`
    said.push(value)
    return value
  }
  return { said, text }
}

/** Browsers with the extension, each set to `relay()`'s address(es) before any page uses it. */
export function browserSet(relay: () => string | string[]) {
  const browsers: ExtensionBrowser[] = []
  return {
    browsers,
    async launch(name: string, localSiteRelays = false): Promise<ExtensionBrowser> {
      const relays = relay()
      const browser = await launchExtensionBrowser({
        name,
        relays: typeof relays === 'string' ? [relays] : relays,
        localSiteRelays,
      })
      browsers.push(browser)
      return browser
    },
    async closeAll(): Promise<void> {
      await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)))
    },
  }
}
