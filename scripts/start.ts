/**
 * `npm start`: a local relay, the demo dapp and Chromium with the extension (built by
 * `npm start` just before). With a display, one browser opens the demo for you to use.
 * Without one (a server, CI), two headless browsers — alice and bob — join the demo room
 * through the page, allow it in the real prompt, chat, and the transcript is printed.
 *
 *   npm start [-- --headless] [--relay-port 4040] [--demo-port 8080]   (0 picks free ports)
 */
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import type { Page } from 'playwright-core'
import {
  ChromiumMissingError,
  type ExtensionBrowser,
  findChromium,
  launchExtensionBrowser,
} from '../tools/extension-browser.js'
import { startRelayChild } from '../tools/relay-child.js'
import { serveDemo } from '../tools/static-server.js'

const { values } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    'relay-port': { type: 'string', default: '4040' },
    'demo-port': { type: 'string', default: '8080' },
  },
})

ensureChromium()
const relay = await startRelayChild([
  '--port',
  values['relay-port'],
  '--http-port',
  // Health and metrics beside the relay (4041 for 4040); port 0 picks free ports for both.
  values['relay-port'] === '0' ? '0' : String(Number(values['relay-port']) + 1),
]).catch((err: Error) => {
  console.error(
    `${err.message}\nIs port ${values['relay-port']} taken? Use --relay-port to pick another.`,
  )
  process.exit(1)
})
console.log(`relay: ${relay.address}`)
const demo = await serveDemo(Number(values['demo-port'])).catch(async (err: Error) => {
  console.error(
    `The demo page could not be served (${err.message}); use --demo-port to pick another port.`,
  )
  // The relay started already: it goes with us.
  await relay.stop()
  process.exit(1)
})
console.log(`demo dapp: ${demo.url}/`)

const headless = values.headless || (process.env.DISPLAY ?? '') === ''
const browsers: ExtensionBrowser[] = []
let stopping = false
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)))
    await demo.close()
    await relay.stop()
  }
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))

try {
  if (headless) await twoBrowserDemo()
  else await interactive()
} catch (err) {
  console.error(`npm start failed: ${(err as Error).message}`)
  await stop(1)
}

async function interactive(): Promise<void> {
  const browser = await launchExtensionBrowser({
    name: 'you',
    headless: false,
    relays: [relay.address],
  })
  browsers.push(browser)
  await browser.open(`${demo.url}/`)
  console.log('Chromium is open on the demo page: click "Join the chat", then Allow.')
  console.log(
    `The same room on the raw API (a reference for your own UI): ${demo.url}/trollbox.html`,
  )
  console.log('Open the same address in a second profile, or run the terminal peer, to chat:')
  console.log(`  npx ghost-threads chat ghost-threads-demo trollbox --relay ${relay.address}`)
  console.log('Ctrl-C (or closing the browser) stops everything.')
  browser.context.on('close', () => void stop(0))
}

async function twoBrowserDemo(): Promise<void> {
  console.log('No display: running the two-browser demo headless.')
  const [alice, bob] = await Promise.all(
    ['alice', 'bob'].map((name) => launchExtensionBrowser({ name, relays: [relay.address] })),
  )
  browsers.push(alice as ExtensionBrowser, bob as ExtensionBrowser)
  const pages = await Promise.all(browsers.map((browser) => joinThroughThePage(browser)))
  const [alicePage, bobPage] = pages as [Page, Page]
  await say(alicePage, 'hi bob, this went peer to peer')
  await heard(bobPage, 'hi bob, this went peer to peer')
  await say(bobPage, 'hi alice! and nothing was stored')
  await heard(alicePage, 'hi alice! and nothing was stored')
  for (const [name, page] of [
    ['alice', alicePage],
    ['bob', bobPage],
  ] as const) {
    const chat = page.locator('ghost-chat')
    console.log(`\n── ${name}'s page ──`)
    const online = await chat.locator('.members li').evaluateAll((items) =>
      items.map((item) => {
        const name = item.querySelector('.name')?.textContent ?? ''
        return name === 'you' ? `${item.getAttribute('title')?.slice(8)} (you)` : name
      }),
    )
    console.log(`online:  ${online.join(', ')}`)
    const lines = await chat.locator('.line').evaluateAll((items) =>
      items.map((item) => {
        const name = item.querySelector('.name')
        const who = name?.textContent === 'you' ? 'you' : name?.getAttribute('title')?.slice(8)
        return `${who}: ${item.querySelector('.text')?.textContent ?? ''}`
      }),
    )
    for (const line of lines) console.log(`  ${line}`)
  }
  console.log('\nThe demo worked. Run with a display (or see README) to chat yourself.')
  await stop(0)
}

/** Clicks the widget's Join button and Allow in the extension's prompt window. */
async function joinThroughThePage(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.open(`${demo.url}/`)
  const prompt = browser.context.waitForEvent('page', {
    predicate: (opened) => opened.url().includes('/prompt.html'),
    timeout: 15_000,
  })
  await page.locator('ghost-chat').getByRole('button', { name: 'Join the chat' }).click()
  const window = await prompt
  await window
    .getByRole('button', { name: 'Allow' })
    .click()
    .catch((err: unknown) => {
      if (!window.isClosed()) throw err
    })
  await page
    .locator('ghost-chat')
    .getByRole('textbox', { name: 'Message' })
    .waitFor({ timeout: 15_000 })
  return page
}

async function say(page: Page, text: string): Promise<void> {
  const chat = page.locator('ghost-chat')
  await chat.getByRole('textbox', { name: 'Message' }).fill(text)
  await chat.getByRole('button', { name: 'Send' }).click()
}

async function heard(page: Page, text: string): Promise<void> {
  await page.locator('ghost-chat .line', { hasText: text }).waitFor({ timeout: 15_000 })
}

function ensureChromium(): void {
  if (findChromium() !== undefined) return
  const canInstall = process.getuid?.() === 0 && commandExists('apt-get')
  if (!canInstall) {
    console.error(new ChromiumMissingError().message)
    process.exit(1)
  }
  console.log('Chromium is missing; installing Debian’s package (apt-get install -y chromium)…')
  execFileSync('apt-get', ['update'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit' })
}

function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
