/**
 * Debian's Firefox ESR with the built extension (dist/firefox, a temporary add-on), driven
 * by puppeteer-core over WebDriver BiDi. The recipe and its traps are in FIELD-NOTES:
 * `moz-extension://` pages load only with --remote-allow-system-access, and puppeteer
 * never sees their navigation end, so those are polled by evaluating `location.href`.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page as PlaywrightPage } from 'playwright-core'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { FIREFOX_EXTENSION_ID } from '../extension/manifest.js'
import type { HostStatus } from '../src/shared/messengers.js'
import { findBrowser, type PromptSeen } from './extension-browser.js'

export const FIREFOX_DIST = resolve(import.meta.dirname, '../dist/firefox')
const FIREFOX_CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox']

export class FirefoxMissingError extends Error {
  static override name = 'FirefoxMissingError'
  override name = FirefoxMissingError.name
  constructor() {
    super(
      'Firefox was not found. On Debian: `sudo apt-get install -y firefox-esr` (npm cannot ' +
        'download browsers here); or set GHOST_THREADS_FIREFOX to a Firefox binary.',
    )
  }
}

export function findFirefox(): string | undefined {
  return findBrowser('GHOST_THREADS_FIREFOX', FIREFOX_CANDIDATES)
}

/**
 * What the page drivers need of a page: Playwright's `evaluate` and `exposeFunction`,
 * which this one mirrors.
 */
export type EvaluatingPage = Pick<PlaywrightPage, 'evaluate'> & {
  exposeFunction(name: string, callback: (...args: never[]) => unknown): Promise<unknown>
}

export interface FirefoxBrowser {
  name: string
  browser: Browser
  profileDir: string
  /** `moz-extension://<uuid>`, fixed per profile by a pref. */
  extensionBase: string
  open(url: string): Promise<Page>
  /** An extension page (`popup.html`, …), once it has loaded. */
  openExtensionPage(path: string): Promise<Page>
  setRelays(relays: string[]): Promise<void>
  hostStatus(): Promise<HostStatus>
  /** Clicks Allow or Deny in the prompt that `action` makes appear. */
  answerPrompt(allow: boolean, action: () => Promise<unknown>): Promise<Omit<PromptSeen, 'relays'>>
  close(): Promise<void>
}

export async function poll<T>(
  read: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined)
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

/** A puppeteer page as the page drivers see it (Playwright-style `evaluate(fn, arg)`). */
export function evaluating(page: Page): EvaluatingPage {
  return {
    evaluate: ((fn: never, arg: never) => page.evaluate(fn, arg)) as EvaluatingPage['evaluate'],
    exposeFunction: (name, callback) => page.exposeFunction(name, callback),
  }
}

export async function launchFirefox(options: {
  name: string
  relays?: string[]
}): Promise<FirefoxBrowser> {
  const executablePath = findFirefox()
  if (executablePath === undefined) throw new FirefoxMissingError()
  if (!existsSync(join(FIREFOX_DIST, 'manifest.json')))
    throw new Error(`No built extension in ${FIREFOX_DIST}: run \`npm run build\` first`)
  const profileDir = await mkdtemp(join(tmpdir(), `ghost-threads-firefox-${options.name}-`))
  const uuid = randomUUID()
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    userDataDir: profileDir,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: uuid }),
      // WebRTC between two browsers on one machine.
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
    },
  })
  try {
    await browser.installExtension(FIREFOX_DIST)
  } catch (err) {
    await browser.close()
    throw err
  }
  const extensionBase = `moz-extension://${uuid}`
  let extensionPage: Page | undefined

  const openExtensionPage = async (path: string): Promise<Page> => {
    const page = await browser.newPage()
    const url = `${extensionBase}/${path}`
    void page.goto(url).catch(() => undefined)
    await poll(
      async () =>
        (await page.evaluate(() => document.readyState === 'complete' && location.href)) === url
          ? true
          : undefined,
      `${url} to load`,
    )
    return page
  }
  const inExtension = async <T>(fn: (arg: unknown) => Promise<T>, arg?: unknown): Promise<T> => {
    extensionPage ??= await openExtensionPage('prompt.html')
    return extensionPage.evaluate(fn, arg) as Promise<T>
  }

  const firefox: FirefoxBrowser = {
    name: options.name,
    browser,
    profileDir,
    extensionBase,
    async open(url) {
      const page = await browser.newPage()
      await page.goto(url)
      return page
    },
    openExtensionPage,
    async setRelays(relays) {
      await inExtension(
        (settings) =>
          (globalThis as unknown as { browser: typeof chrome }).browser.storage.local.set({
            settings,
          }),
        { relays, allowPrivateAddresses: true },
      )
    },
    async hostStatus() {
      const outcome = await inExtension(
        () =>
          // @webext-core/messaging's message format: { id, type, data, timestamp } → { res }.
          (globalThis as unknown as { browser: typeof chrome }).browser.runtime.sendMessage({
            id: 1,
            type: 'manage:status',
            data: undefined,
            timestamp: Date.now(),
          }) as Promise<{ res: { ok: boolean; result: unknown; error?: { message: string } } }>,
      )
      if (!outcome.res.ok) throw new Error(`status failed: ${outcome.res.error?.message}`)
      return outcome.res.result as HostStatus
    },
    async answerPrompt(allow, action) {
      const acting = action()
      const prompt = await poll(async () => {
        for (const page of await browser.pages()) {
          const href = await page.evaluate(() => location.href).catch(() => '')
          if (href.includes('/prompt.html?request=')) return page
        }
        return undefined
      }, 'the permission prompt')
      const details = await poll(
        () =>
          prompt.evaluate(() => {
            const text = (id: string) =>
              document.querySelector(`[data-testid="${id}"]`)?.textContent ?? undefined
            const origin = text('origin')
            const allowButton = [...document.querySelectorAll('button')].some(
              (button) => button.textContent === 'Allow',
            )
            return origin === undefined || !allowButton
              ? undefined
              : {
                  origin,
                  space: text('space') ?? '',
                  did: text('did') ?? '',
                  // A wallet link prompt: the account it shows.
                  ...(text('link-address') === undefined
                    ? {}
                    : { linkAddress: text('link-address') }),
                }
          }),
        'the prompt to show its details',
      )
      // The prompt closes its window once the router has the answer: a closed page is a
      // click that landed.
      await prompt
        .evaluate(
          (label) => {
            for (const button of document.querySelectorAll('button'))
              if (button.textContent === label) button.click()
          },
          allow ? 'Allow' : 'Deny',
        )
        .catch(() => undefined)
      await acting
      return details
    },
    close: () => browser.close(),
  }
  if (options.relays !== undefined) await firefox.setRelays(options.relays)
  return firefox
}
