/**
 * Debian's Chromium with the built extension, driven by playwright-core: the e2e tests,
 * `npm start` and `npm run bench:browser` all launch browsers through here. Each browser
 * gets its own fresh profile directory (a "person"), so several run side by side.
 */
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
  type Worker,
} from 'playwright-core'
import { CHROME_EXTENSION_ID } from '../extension/manifest.js'
import type { HostStatus } from '../src/shared/messengers.js'

export const CHROME_DIST = resolve(import.meta.dirname, '../dist/chrome')

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium']

export class ChromiumMissingError extends Error {
  static override name = 'ChromiumMissingError'
  override name = ChromiumMissingError.name
  constructor() {
    super(
      'Chromium was not found. On Debian or Ubuntu: `sudo apt-get install -y chromium` ' +
        '(npm cannot download browsers here); or set GHOST_THREADS_CHROMIUM to a Chromium binary.',
    )
  }
}

export function findChromium(): string | undefined {
  return findBrowser('GHOST_THREADS_CHROMIUM', CHROMIUM_CANDIDATES)
}

/** `envVar`'s binary when set (and present), else the first candidate on disk. */
export function findBrowser(envVar: string, candidates: string[]): string | undefined {
  const fromEnv = process.env[envVar]
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined
  return candidates.find((path) => existsSync(path))
}

export interface LaunchOptions {
  /** Shown in errors and transcripts. */
  name: string
  headless?: boolean
  extensionDir?: string
  /** Relay multiaddrs to put in the extension's settings before any page uses it. */
  relays?: string[]
  /** The setting "Sites may name relays on this computer or network" (with `relays`). */
  localSiteRelays?: boolean
  /** Opened as soon as the browser runs, before waiting for the service worker. */
  firstPage?: string
}

/** What a permission prompt showed. */
export interface PromptSeen {
  origin: string
  space: string
  did: string
  relays: string[]
  linkAddress?: string | undefined
}

export interface ExtensionBrowser {
  name: string
  context: BrowserContext
  profileDir: string
  extensionId: string
  serviceWorker(): Promise<Worker>
  setRelays(relays: string[]): Promise<void>
  /** Stops the extension's service worker as Chrome does when idle (CDP). */
  stopServiceWorker(): Promise<void>
  open(url: string): Promise<Page>
  /** The host's state as the popup sees it (peers, relays, rooms; never message text). */
  hostStatus(): Promise<HostStatus>
  /** Clicks Allow or Deny in the prompt that `action` makes appear (answerPrompt below). */
  answerPrompt(
    allow: boolean,
    action: () => Promise<unknown>,
    screenshot?: string,
  ): Promise<PromptSeen>
  close(): Promise<void>
}

export async function launchExtensionBrowser(options: LaunchOptions): Promise<ExtensionBrowser> {
  const executablePath = findChromium()
  if (executablePath === undefined) throw new ChromiumMissingError()
  const extensionDir = options.extensionDir ?? CHROME_DIST
  if (!existsSync(join(extensionDir, 'manifest.json')))
    throw new Error(`No built extension in ${extensionDir}: run \`npm run build\` first`)
  const profileDir = await mkdtemp(join(tmpdir(), `ghost-threads-${options.name}-`))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: options.headless ?? true,
    // WebRTC between browsers on one machine: loopback candidates need this, and Chromium
    // only gathers host candidates for pages with media permission.
    permissions: ['microphone', 'camera'],
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--allow-loopback-in-peer-connection',
      '--no-first-run',
      '--no-default-browser-check',
      // This machine's network is closed: Chromium's own background traffic only fails.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--disable-gpu',
      // Chromium keeps only the last --disable-features switch: one list.
      '--disable-features=Translate,MediaRouter,OptimizationHints',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  })
  const firstPage =
    options.firstPage === undefined ? undefined : (context.pages()[0] ?? (await context.newPage()))
  const firstLoad = firstPage?.goto(options.firstPage ?? '')
  const serviceWorker = async (): Promise<Worker> => {
    const live = context
      .serviceWorkers()
      .find((worker) => worker.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`))
    return live ?? context.waitForEvent('serviceworker', { timeout: 10_000 })
  }
  const worker = await serviceWorker()
  const extensionId = new URL(worker.url()).host
  let extensionPage: Page | undefined
  const browser: ExtensionBrowser = {
    name: options.name,
    context,
    profileDir,
    extensionId,
    serviceWorker,
    async setRelays(relays) {
      const sw = await serviceWorker()
      await sw.evaluate((settings) => chrome.storage.local.set({ settings }), {
        relays,
        allowPrivateAddresses: true,
        localSiteRelays: options.localSiteRelays ?? false,
      })
    },
    async stopServiceWorker() {
      const page = context.pages()[0] ?? (await context.newPage())
      const cdp = await context.newCDPSession(page)
      await cdp.send('ServiceWorker.enable')
      await cdp.send('ServiceWorker.stopAllWorkers')
      await cdp.detach()
    },
    async open(url) {
      const page = await context.newPage()
      await page.goto(url)
      return page
    },
    async hostStatus() {
      // Any page of the extension may ask the router (the popup does, over 'manage:status').
      extensionPage ??= await browser.open(`chrome-extension://${extensionId}/prompt.html`)
      const outcome = await extensionPage.evaluate(
        () =>
          // @webext-core/messaging's message format: { id, type, data, timestamp } → { res }.
          chrome.runtime.sendMessage({
            id: 1,
            type: 'manage:status',
            data: undefined,
            timestamp: Date.now(),
          }) as Promise<{
            res: { ok: boolean; result: unknown; error?: { message: string } }
          }>,
      )
      if (!outcome.res.ok) throw new Error(`status failed: ${outcome.res.error?.message}`)
      return outcome.res.result as HostStatus
    },
    answerPrompt: (allow, action, screenshot) => answerPrompt(browser, allow, action, screenshot),
    close: () => context.close(),
  }
  if (options.relays !== undefined) await browser.setRelays(options.relays)
  await firstLoad
  return browser
}

/**
 * Clicks Allow (or Deny) in the permission prompt window that `action` makes appear;
 * with `screenshot`, saves the prompt there first, as the user sees it.
 */
export async function answerPrompt(
  browser: ExtensionBrowser,
  allow: boolean,
  action: () => Promise<unknown>,
  screenshot?: string,
): Promise<PromptSeen> {
  const prompt = browser.context.waitForEvent('page', {
    predicate: (page) => page.url().includes('/prompt.html'),
    timeout: 10_000,
  })
  const acting = action()
  const page = await prompt
  const allowButton = page.getByRole('button', { name: 'Allow' })
  await allowButton.waitFor()
  const details = {
    origin: (await page.getByTestId('origin').textContent()) ?? '',
    space: (await page.getByTestId('space').textContent()) ?? '',
    did: (await page.getByTestId('did').textContent()) ?? '',
    relays: await page.getByTestId('relays').locator('li').allTextContents(),
    /** A wallet link prompt: the account it shows. */
    linkAddress: (await page.getByTestId('link-address').allTextContents())[0],
  }
  if (screenshot !== undefined) await page.screenshot({ path: screenshot })
  // The prompt closes its window as soon as the router has the answer, sometimes before
  // Playwright has finished its click bookkeeping: a closed page means the click landed.
  await page
    .getByRole('button', { name: allow ? 'Allow' : 'Deny' })
    .click()
    .catch((err: unknown) => {
      if (!page.isClosed()) throw err
    })
  await acting
  return details
}

/**
 * Waits until every browser's first room gossips with a member over direct WebRTC (what
 * `direct` in the host's status counts), or the time is up; resolves to those counts.
 */
export async function directRoomPeers(
  browsers: ExtensionBrowser[],
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  let direct = browsers.map(() => 0)
  while (Date.now() < deadline) {
    direct = await Promise.all(
      browsers.map(async (browser) => (await browser.hostStatus()).threads[0]?.direct ?? 0),
    )
    if (direct.every((count) => count > 0)) break
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return direct
}

/**
 * Debian's Chromium without the extension: what a visitor without it, or a mobile dapp
 * browser, runs. Each context is a separate person (its own storage).
 */
const PLAIN_ARGS = [
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-gpu',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
]

export async function launchPlainChromium(): Promise<Browser> {
  const executablePath = findChromium()
  if (executablePath === undefined) throw new ChromiumMissingError()
  return chromium.launch({ executablePath, headless: true, args: PLAIN_ARGS })
}

/**
 * A plain Chromium (no extension) with a profile on disk, as a person's browser has: what
 * a page writes (IndexedDB, caches) lands in `profileDir`, to be searched afterwards.
 */
export async function launchPlainProfile(
  name: string,
): Promise<{ context: BrowserContext; profileDir: string }> {
  const executablePath = findChromium()
  if (executablePath === undefined) throw new ChromiumMissingError()
  const profileDir = await mkdtemp(join(tmpdir(), `ghost-threads-plain-${name}-`))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: [...PLAIN_ARGS, '--no-first-run'],
  })
  return { context, profileDir }
}
