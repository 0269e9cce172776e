/**
 * The SDK as a dapp installs it (issue 23): `npm pack` of dist/package, the tarball
 * installed into a fresh sample dapp, type-checked against its declarations and built with
 * webpack, then `<ghost-chat>` in real Chromium: two visitors (the in-page host, no
 * WebRTC, so only the relay joins them) chat through it; links, mentions, direct messages,
 * the new-messages button, offline with a message waiting, the room ended; and with the
 * extension, a declined prompt and then a join. Every state is saved as a screenshot in
 * test-results/widget-*.png, to be looked at.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Wallet } from 'ethers'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { encodeAbiParameters, encodeFunctionResult, parseAbi, toFunctionSelector } from 'viem'
import webpack from 'webpack'
import { linkFor } from '../../src/cli/wallet-key.js'
import { encodeDidKey } from '../../src/core/did-key.js'
import { newInvite } from '../../src/core/private-room.js'
import {
  answerPrompt,
  type ExtensionBrowser,
  launchPlainChromium,
} from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { type NetPeer, startNetPeer, stopAll } from '../helpers/net-peer.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'
import { browserSet, postedTexts, SCREENSHOTS, STEP_MS } from './session.js'

const root = join(import.meta.dirname, '../..')
const SPACE = 'widget-space'
const ROOM = 'widget-room'
/** The room of the "alive" test: its own page, so the first test's visitors are not in it. */
const ALIVE_ROOM = 'alive-room'
/** The private room's name on its page: local to each member, never on the wire. */
const PRIVATE_ROOM = 'private-room'
const { text } = postedTexts('widget')

let relay: RelayProcess
let site: StaticServer
let plain: Browser
const contexts: BrowserContext[] = []
const netPeers: NetPeer[] = []
const session = browserSet(() => relay.address)
let dapp = ''

/** The sample dapp: what a developer writes after `npm install ghost-threads`. */
function writeSampleDapp(dir: string, tarball: string): void {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'sample-dapp', private: true, type: 'module' }, null, 2),
  )
  mkdirSync(join(dir, 'src'))
  writeFileSync(
    join(dir, 'src/main.js'),
    `import 'ghost-threads/widget'
`,
  )
  // Its types: what a developer's editor and compiler read of the package.
  writeFileSync(
    join(dir, 'src/check.ts'),
    `import { type Connection, connect } from 'ghost-threads/web'
import { GHOST_CHAT_TAG, GhostChatElement } from 'ghost-threads/widget'

export async function use(): Promise<string> {
  const connection: Connection = await connect({ relays: [] })
  const status = await connection.provider.status()
  const state: 'online' | 'connecting' | 'offline' | 'idle' = status.state
  const space = await connection.provider.openSpace('my-dapp')
  const thread = await space.joinThread('lobby', { ghost: true, ghostBacklogLimit: 20 })
  thread.on('message', (post) => post.postId.toUpperCase())
  thread.on('closed', (reason) => reason.toUpperCase())
  const element: HTMLElement = new GhostChatElement()
  return \`\${state} \${GHOST_CHAT_TAG} \${element.tagName} \${await thread.close()}\`
}

// @ts-expect-error an option connect() does not take
void connect({ bogus: true })
`,
  )
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        lib: ['ES2023', 'DOM'],
        types: [],
        strict: true,
        noEmit: true,
      },
      files: ['src/check.ts'],
    }),
  )
  mkdirSync(join(dir, 'dist'))
  // The private page takes its room's invite from its link's #, as a dapp would.
  const privateRoom = `
  const invite = new URLSearchParams(location.hash.slice(1)).get('invite')
  if (invite !== null) document.querySelector('ghost-chat').setAttribute('invite', invite)`
  for (const [file, room, extra] of [
    ['index.html', ROOM, ''],
    ['alive.html', ALIVE_ROOM, ''],
    ['private.html', PRIVATE_ROOM, privateRoom],
  ] as const)
    writeFileSync(
      join(dir, `dist/${file}`),
      `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sample dapp</title>
<style>body{font:20px Georgia,serif;color:crimson;margin:16px auto;max-width:760px} ghost-chat{--ghost-chat-height:460px}</style>
</head><body><h1>Sample dapp</h1>
<ghost-chat space="${SPACE}" room="${room}" title="Sample room"></ghost-chat>
<script>
  // The in-page host's relay for this test (a widget reads its attributes once, at start).
  const relays = new URLSearchParams(location.search).getAll('relay').join(' ')
  document.querySelector('ghost-chat').setAttribute('page-relays', relays)${extra}
</script>
<script src="main.js"></script></body></html>
`,
    )
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: dir,
    stdio: 'pipe',
  })
}

async function buildSampleDapp(dir: string): Promise<void> {
  const stats = await new Promise<webpack.Stats | undefined>((resolve, reject) =>
    webpack(
      {
        mode: 'production',
        context: dir,
        entry: './src/main.js',
        output: { path: join(dir, 'dist'), filename: 'main.js' },
        resolve: { modules: [join(dir, 'node_modules')] },
        performance: { hints: false },
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    ),
  )
  if (stats?.hasErrors()) throw new Error(stats.toString('errors-only'))
}

/** The widget on a page (Playwright's locators reach into its open shadow root). */
const chatOf = (page: Page): Locator => page.locator('ghost-chat')

async function visitor(page = 'index.html', wallet?: EnsWallet, hash = ''): Promise<Page> {
  const context = await plain.newContext({ viewport: { width: 800, height: 620 } })
  contexts.push(context)
  if (wallet !== undefined) await context.addInitScript(ensWalletScript, wallet)
  // No WebRTC: the two visitors meet only through the relay (so stopping it cuts them off).
  await context.addInitScript(() => {
    for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection'])
      Reflect.deleteProperty(window, name)
  })
  const opened = await context.newPage()
  await opened.goto(`${site.url}/${page}?relay=${encodeURIComponent(relay.address)}${hash}`)
  return opened
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `widget-${name}.png`) })
}

async function say(page: Page, message: string, to?: string): Promise<void> {
  const chat = chatOf(page)
  if (to !== undefined)
    await chat.getByRole('combobox', { name: 'Send to' }).selectOption({ label: to })
  const field = chat.getByRole('textbox', { name: 'Message' })
  await field.fill(message)
  await field.press('Enter')
  // The field clears as the message goes: the next one is not typed into this one.
  await waitFor(async () => (await field.inputValue()) === '', { what: `"${message}" sent` })
}

const line = (page: Page, message: string) =>
  chatOf(page).getByRole('log', { name: 'Messages' }).locator('li', { hasText: message })

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'ghost-widget-'))
  execFileSync('npm', ['pack', '--pack-destination', work], {
    cwd: join(root, 'dist/package'),
    stdio: 'pipe',
  })
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) ?? '')
  dapp = join(work, 'dapp')
  mkdirSync(dapp)
  writeSampleDapp(dapp, tarball)
  await buildSampleDapp(dapp)
  relay = await RelayProcess.start()
  site = await serveDemo(0, join(dapp, 'dist'))
  plain = await launchPlainChromium()
}, 3 * STEP_MS)

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close().catch(() => undefined)))
  await plain?.close()
  await session.closeAll()
  await stopAll(netPeers)
  await site?.close()
  await relay?.stop()
}, STEP_MS)

describe('ghost-threads from its packed tarball, in a dapp built with webpack', () => {
  it('installs with its declarations: the sample dapp type-checks against them', () => {
    const installed = JSON.parse(
      execFileSync('npm', ['ls', '--json', '--all'], { cwd: dapp, encoding: 'utf8' }),
    ) as { dependencies: Record<string, { dependencies?: Record<string, unknown> }> }
    // The SDK carries its code; its one dependency is there for the types.
    expect(Object.keys(installed.dependencies)).toEqual(['ghost-threads'])
    expect(Object.keys(installed.dependencies['ghost-threads']?.dependencies ?? {})).toEqual([
      'eventemitter3',
    ])
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dapp], {
      stdio: 'pipe',
    })
  })

  it(
    'two visitors chat through <ghost-chat>: names, "you", links, mentions, a direct message',
    async () => {
      const alice = await visitor()
      const bob = await visitor()
      await chatOf(alice).getByRole('button', { name: 'Join the chat' }).waitFor()
      await shot(alice, 'ready')
      await chatOf(alice).getByRole('button', { name: 'Join the chat' }).click()
      await chatOf(alice).getByText('No messages yet. Say hello!').waitFor()
      await shot(alice, 'empty')
      await chatOf(bob).getByRole('button', { name: 'Join the chat' }).click()
      await chatOf(alice).getByRole('heading', { name: '2 online' }).waitFor({ timeout: 30_000 })

      const hello = text('hello')
      await say(alice, `${hello} see https://example.com/a. and javascript:alert(1)`)
      await line(bob, hello).waitFor({ timeout: 30_000 })
      const link = line(bob, hello).getByRole('link')
      expect(await link.getAttribute('href')).toBe('https://example.com/a')
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer')
      expect(await link.getAttribute('target')).toBe('_blank')
      expect(await line(bob, hello).getByRole('link').count()).toBe(1)
      expect(await line(alice, hello).locator('.name').textContent()).toBe('you')

      // Bob names Alice as his widget shows her: a mention of her is highlighted at hers.
      const aliceName = (await line(bob, hello).locator('.name').textContent()) ?? ''
      expect(aliceName).toMatch(/^z6Mk.{4}….{4}$/)
      const mention = text('mention')
      await say(bob, `@${aliceName} ${mention}`)
      await line(alice, mention).waitFor({ timeout: 30_000 })
      expect(await line(alice, mention).locator('mark.mention.you').count()).toBe(1)
      expect(await line(alice, mention).getAttribute('class')).toContain('mentioned')

      // Two members never share a colour.
      const colours = await chatOf(alice)
        .locator('.members .avatar')
        .evaluateAll((marks) => marks.map((mark) => (mark as HTMLElement).style.background))
      expect(new Set(colours).size).toBe(2)

      const direct = text('direct')
      await say(alice, direct, await nameAtAlice(bob, alice))
      await line(bob, direct).waitFor({ timeout: 30_000 })
      expect(await line(bob, direct).locator('.tag').textContent()).toBe('direct to you')
      await shot(alice, 'chat')
      await shot(bob, 'chat-other')

      // Scrolled up, new messages are counted on a button that jumps down.
      for (let i = 0; i < 12; i++) await say(alice, text(`filler-${i}`), 'everyone')
      await line(bob, text('filler-11')).waitFor({ timeout: 30_000 })
      await chatOf(bob)
        .getByRole('log', { name: 'Messages' })
        .evaluate((log) => {
          log.scrollTop = 0
          log.dispatchEvent(new Event('scroll'))
        })
      const late = text('late')
      await say(alice, late)
      const jump = chatOf(bob).getByRole('button', { name: /1 new message/ })
      await jump.waitFor({ timeout: 30_000 })
      await shot(bob, 'new-messages')
      await jump.click()
      await waitFor(async () => (await jump.count()) === 0, { what: 'the button to go' })
      expect(await line(bob, late).isVisible()).toBe(true)

      // The relay goes: offline, and a message waits; it comes back: the message goes.
      await relay.crash()
      await chatOf(alice)
        .getByText(/Offline: nobody can be reached right now/)
        .waitFor({ timeout: 15_000 })
      const waiting = text('waiting')
      await say(alice, waiting)
      await chatOf(alice)
        .getByText(/1 message will be sent when it is back/)
        .waitFor()
      expect(await line(alice, waiting).locator('.delivery').textContent()).toBe('not sent yet')
      await shot(alice, 'offline-queued')
      await relay.start()
      await line(bob, waiting).waitFor({ timeout: 60_000 })
      await waitFor(async () => (await line(alice, waiting).locator('.delivery').count()) === 0, {
        timeoutMs: 30_000,
        what: "alice's message marked sent",
      })

      // Leave: the room ends in plain words, with Join again.
      await chatOf(bob).getByRole('button', { name: 'Leave' }).click()
      await chatOf(bob).getByText('You left the room. Join again to keep chatting.').waitFor()
      await chatOf(bob).getByRole('button', { name: 'Join again' }).waitFor()
      await shot(bob, 'ended')
    },
    5 * STEP_MS,
  )

  it(
    'with the extension: a declined prompt is said in plain words (and stays declined); allowed, the widget chats',
    async () => {
      const denying = (await session.launch('widget-denies')) as ExtensionBrowser
      const page = await denying.open(`${site.url}/index.html`)
      await page.setViewportSize({ width: 800, height: 620 })
      const join = chatOf(page).getByRole('button', { name: 'Join the chat' })
      await join.waitFor()
      await answerPrompt(denying, false, () => join.click())
      const declined = chatOf(page).getByText(/You declined this chat for this site/)
      await declined.waitFor()
      await shot(page, 'denied')
      // The extension remembers a Deny: joining again says so at once, with no window.
      await chatOf(page).getByRole('button', { name: 'Join again' }).click()
      await declined.waitFor()
      expect(denying.context.pages().some((p) => p.url().includes('/prompt.html'))).toBe(false)

      const allowing = (await session.launch('widget-allows')) as ExtensionBrowser
      const allowed = await allowing.open(`${site.url}/index.html`)
      await allowed.setViewportSize({ width: 800, height: 620 })
      const joinAllowed = chatOf(allowed).getByRole('button', { name: 'Join the chat' })
      await joinAllowed.waitFor()
      await answerPrompt(allowing, true, () => joinAllowed.click())
      const fromExtension = text('from-extension')
      await say(allowed, fromExtension)
      await line(allowed, fromExtension).waitFor()
      expect(await line(allowed, fromExtension).locator('.name').textContent()).toBe('you')
    },
    2 * STEP_MS,
  )
})

describe('a room that feels alive, in <ghost-chat>', () => {
  it(
    "typing, reactions, seen by N, the online count, and an ENS name from the page's own wallet",
    async () => {
      // Alice: a linked member (a Node peer through the same relay), linked on this site.
      const account = Wallet.createRandom()
      const alice = await startNetPeer({
        relays: [relay.address],
        space: SPACE,
        room: ALIVE_ROOM,
      })
      netPeers.push(alice)
      const space = await alice.node.ghost.openSpace(SPACE)
      await space.linkWallet(await linkFor(account, alice.did, SPACE, site.url))
      // Bob's page has a wallet that knows alice.eth (offline: it answers ENS's calls itself).
      const bob = await visitor('alive.html', ensWalletFor(account.address, 'alice.eth'))
      const carol = await visitor('alive.html')
      for (const page of [bob, carol])
        await chatOf(page).getByRole('button', { name: 'Join the chat' }).click()
      await chatOf(bob).getByRole('heading', { name: '3 online' }).waitFor({ timeout: 30_000 })
      await chatOf(carol).getByRole('heading', { name: '3 online' }).waitFor({ timeout: 30_000 })
      // The name is the page's own finding: Carol's page has no wallet, and sees the account.
      await chatOf(bob).locator('.members .name', { hasText: 'alice.eth' }).waitFor()
      const short = `${account.address.slice(0, 6)}…${account.address.slice(-4)}`
      await chatOf(carol).locator('.members .name', { hasText: short }).waitFor()

      // Carol types: Bob reads it, and it ends when she sends.
      const field = chatOf(carol).getByRole('textbox', { name: 'Message' })
      await field.pressSequentially('hel')
      const typing = chatOf(bob).locator('.typing')
      await typing.getByText(/is typing…/).waitFor({ timeout: 15_000 })
      await shot(bob, 'alive-typing')
      const hello = text('alive-hello')
      await field.fill(hello)
      await field.press('Enter')
      await line(bob, hello).waitFor({ timeout: 30_000 })
      await waitFor(async () => ((await typing.textContent()) ?? '') === '', {
        timeoutMs: 15_000,
        what: "carol's post to end her typing",
      })

      // Alice says something; Bob reacts from the picker, Carol adds hers to his.
      const fromAlice = text('from-alice')
      const fromAliceId = await alice.thread.post(fromAlice)
      await line(bob, fromAlice).waitFor({ timeout: 30_000 })
      expect(await line(bob, fromAlice).locator('.name').textContent()).toBe('alice.eth')
      await line(bob, fromAlice).hover()
      await line(bob, fromAlice).getByRole('button', { name: 'Add a reaction' }).click()
      await shot(bob, 'alive-picking')
      await line(bob, fromAlice).getByRole('button', { name: 'React with 🎉' }).click()
      const atCarol = line(carol, fromAlice).getByRole('button', { name: /^🎉 1,/ })
      await atCarol.waitFor({ timeout: 15_000 })
      expect(await atCarol.getAttribute('aria-pressed')).toBe('false')
      await atCarol.click()
      const atBob = line(bob, fromAlice).getByRole('button', { name: /^🎉 2, from you,/ })
      await atBob.waitFor({ timeout: 15_000 })
      expect(await atBob.getAttribute('aria-pressed')).toBe('true')
      // The member who posted counts the same, from the wire.
      await waitFor(() => alice.thread.reactionsOf(fromAliceId)[0]?.count === 2, {
        timeoutMs: 15_000,
        what: "alice's own count of two 🎉",
      })

      // Bob writes; the newest message says how many others have seen it.
      const seen = text('seen')
      await say(bob, seen)
      await line(bob, seen).getByText('Seen by 2').waitFor({ timeout: 30_000 })
      await shot(bob, 'alive')
      await shot(carol, 'alive-other')
    },
    4 * STEP_MS,
  )
})

describe('a private room in <ghost-chat invite>', () => {
  it(
    "two visitors with the invite link chat with a member in the invite's room; the widget says it is private; a broken link is said",
    async () => {
      const invite = newInvite(encodeDidKey('EdDSA', new Uint8Array(32).fill(9)))
      // A member who joined by the invite, under another local name: the room is the invite's.
      const member = await startNetPeer({
        relays: [relay.address],
        space: SPACE,
        room: 'what-the-member-calls-it',
        options: { invite },
      })
      netPeers.push(member)
      const bob = await visitor('private.html', undefined, `#invite=${invite}`)
      const carol = await visitor('private.html', undefined, `#invite=${invite}`)
      for (const page of [bob, carol]) {
        const mark = chatOf(page).getByLabel(/A private room: only people with its invite link/)
        await mark.waitFor()
        expect(await mark.textContent()).toBe('🔒 private')
        await chatOf(page).getByRole('button', { name: 'Join the chat' }).click()
      }
      await chatOf(bob).getByRole('heading', { name: '3 online' }).waitFor({ timeout: 30_000 })
      const fromMember = text('private-from-member')
      await member.thread.post(fromMember)
      await line(bob, fromMember).waitFor({ timeout: 30_000 })
      await line(carol, fromMember).waitFor({ timeout: 30_000 })
      const fromBob = text('private-from-bob')
      await say(bob, fromBob)
      await line(carol, fromBob).waitFor({ timeout: 30_000 })
      await waitFor(
        async () => (await member.thread.getPosts()).some((p) => p.message === fromBob),
        {
          timeoutMs: 30_000,
          what: "bob's post at the member who joined by the invite",
        },
      )
      await shot(bob, 'private-room')

      // A link whose invite lost characters: said before anything is asked, no Join.
      const broken = await visitor('private.html', undefined, `#invite=${invite.slice(0, 40)}`)
      await chatOf(broken)
        .getByText(
          "This chat's invite link is broken or incomplete. Ask whoever sent it for the link again.",
        )
        .waitFor()
      expect(await chatOf(broken).getByRole('button', { name: 'Join the chat' }).count()).toBe(0)
      await shot(broken, 'private-broken-invite')
    },
    3 * STEP_MS,
  )
})

/** What a test wallet answers to ENS's two calls: hex results, precomputed here. */
interface EnsWallet {
  reverseSelector: string
  reverseResult: string
  resolveSelector: string
  resolveResult: string
}

/** A wallet (no network) whose ENS knows `address` as `name`, both ways. */
function ensWalletFor(address: string, name: string): EnsWallet {
  const resolver = '0x231b0Ee14048e9dCcD1d247744d114a4EB5E8E63'
  return {
    reverseSelector: toFunctionSelector(universalResolverReverse[0]),
    reverseResult: encodeFunctionResult({
      abi: universalResolverReverse,
      functionName: 'reverseWithGateways',
      result: [name, resolver, resolver],
    }),
    resolveSelector: toFunctionSelector(universalResolverResolve[0]),
    resolveResult: encodeFunctionResult({
      abi: universalResolverResolve,
      functionName: 'resolveWithGateways',
      result: [encodeAbiParameters([{ type: 'address' }], [address as `0x${string}`]), resolver],
    }),
  }
}

const universalResolverReverse = parseAbi([
  'function reverseWithGateways(bytes reverseName, uint256 coinType, string[] gateways) view returns (string, address, address)',
])
const universalResolverResolve = parseAbi([
  'function resolveWithGateways(bytes name, bytes data, string[] gateways) view returns (bytes, address)',
])

/** Runs in the page before its scripts: `window.ethereum` answering mainnet's ENS calls. */
function ensWalletScript(wallet: EnsWallet): void {
  ;(window as unknown as { ethereum: unknown }).ethereum = {
    request: async ({ method, params }: { method: string; params?: unknown[] }) => {
      if (method === 'eth_chainId') return '0x1'
      if (method === 'eth_call') {
        const data = String((params?.[0] as { data?: string } | undefined)?.data ?? '')
        if (data.startsWith(wallet.reverseSelector)) return wallet.reverseResult
        if (data.startsWith(wallet.resolveSelector)) return wallet.resolveResult
      }
      throw Object.assign(new Error(`not in this test wallet: ${method}`), { code: 4200 })
    },
  }
}

/** How Alice's widget names Bob (for her "Send to" choice). */
async function nameAtAlice(bob: Page, alice: Page): Promise<string> {
  const own = chatOf(bob)
    .locator('.members li')
    .filter({ has: bob.locator('.name', { hasText: /^you$/ }) })
  const bobDid = ((await own.getAttribute('title')) ?? '').split(' ')[0] ?? ''
  expect(bobDid).toMatch(/^did:key:z6Mk/)
  return (await chatOf(alice).locator(`.members li[title^="${bobDid}"] .name`).textContent()) ?? ''
}
