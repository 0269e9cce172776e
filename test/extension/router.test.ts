import { beforeEach, describe, expect, it } from '@jest/globals'
import { Wallet } from 'ethers'
import { PROMPT_DISMISSED_MS } from '../../src/background/constants.js'
import { PermissionStore } from '../../src/background/permissions.js'
import { PromptBroker } from '../../src/background/prompt-broker.js'
import { Router, SenderRefusedError } from '../../src/background/router.js'
import { MAX_BLOCKED } from '../../src/shared/constants.js'
import type { Outcome } from '../../src/shared/errors.js'
import type { Owner } from '../../src/shared/owner.js'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings.js'
import type { ThreadEvent } from '../../src/shared/thread-events.js'
import {
  EXTENSION_BASE,
  EXTENSION_ID,
  extensionSender,
  FakeHost,
  FakeWindows,
  flush,
  memoryStore,
  pageSender,
  SESSION,
} from './fakes.js'

const A = 'https://a.example'
const B = 'https://b.example'
const HANDLE = 'h'.repeat(22)

let host: FakeHost
let windows: FakeWindows
let permissions: PermissionStore
let prompts: PromptBroker
let router: Router
let delivered: { owner: Owner; events: ThreadEvent[] }[]
let saved: unknown[]
let shown: number[]
let stored: Settings
const clock = { ms: 0 }

beforeEach(() => {
  host = new FakeHost()
  windows = new FakeWindows()
  permissions = new PermissionStore(memoryStore(), () => 1_000)
  clock.ms = 1_000_000
  prompts = new PromptBroker(
    windows,
    (path) => `${EXTENSION_BASE}${path}`,
    () => clock.ms,
  )
  delivered = []
  saved = []
  shown = []
  stored = DEFAULT_SETTINGS
  router = new Router({
    host,
    permissions,
    prompts,
    settings: async () => stored,
    saveSettings: async (settings) => {
      saved.push(settings)
      stored = settings
    },
    sendToPage: async (owner, events) => {
      delivered.push({ owner, events })
      return true
    },
    showTab: async (tabId) => {
      shown.push(tabId)
    },
    extensionId: EXTENSION_ID,
    extensionBase: EXTENSION_BASE,
  })
})

const call = (method: string, params: unknown, sender = pageSender(A), session = SESSION) =>
  router.handlers['page:call']({ session, method, params }, sender)

/** Answers the prompt the router opened once it is open. */
async function answer(allow: boolean | 'close'): Promise<void> {
  await flush()
  if (allow === 'close') prompts.windowClosed(windows.opened.length)
  else
    expect(
      await router.handlers['prompt:decide'](
        { id: windows.lastRequest(), allow },
        extensionSender('prompt.html?request=x'),
      ),
    ).toBe(true)
}

const failure = (outcome: Outcome) => (outcome.ok ? undefined : outcome.error)

describe('openSpace and permissions', () => {
  it('asks once per origin and space in a prompt showing origin, space and DID', async () => {
    const opening = call('openSpace', { space: 'chat' })
    await flush()
    const details = await router.handlers['prompt:details'](
      { id: windows.lastRequest() },
      extensionSender('prompt.html'),
    )
    expect(details).toEqual({
      origin: A,
      space: 'chat',
      did: expect.stringMatching(/^did:key:/),
      relays: [],
    })
    await answer(true)
    expect(await opening).toEqual({ ok: true, result: { space: 'chat', did: details?.did } })
    expect(windows.closed).toEqual([1])
    // Remembered: no second window.
    expect(await call('openSpace', { space: 'chat' })).toMatchObject({ ok: true })
    expect(windows.opened).toHaveLength(1)
    expect(await permissions.list()).toEqual([
      { origin: A, space: 'chat', decision: 'allow', at: 1_000 },
    ])
  })

  it('shows the relays a site names, keeps them with the grant, asks again for new ones, and gives them to the host at joinThread', async () => {
    const R1 =
      '/dns4/r1.example.com/tcp/443/wss/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
    const R2 = '/dns4/r2.example.com/tcp/443/wss'
    const details = async () =>
      router.handlers['prompt:details'](
        { id: windows.lastRequest() },
        extensionSender('prompt.html'),
      )
    const first = call('openSpace', { space: 'chat', relays: [R1] })
    await flush()
    expect((await details())?.relays).toEqual([R1])
    await answer(true)
    expect(await first).toMatchObject({ ok: true })
    // The same relays again: no prompt. Another one: a prompt listing both.
    expect(await call('openSpace', { space: 'chat', relays: [R1] })).toMatchObject({ ok: true })
    expect(windows.opened).toHaveLength(1)
    const second = call('openSpace', { space: 'chat', relays: [R2] })
    await flush()
    expect(windows.opened).toHaveLength(2)
    expect((await details())?.relays).toEqual([R1, R2])
    // Declined: the space stays allowed with the relays allowed before, and the site is told.
    await answer(false)
    expect(failure(await second)).toMatchObject({
      name: 'UserRejectedError',
      message: expect.stringContaining(R2),
    })
    expect(await permissions.decision(A, 'chat')).toBe('allow')
    expect((await permissions.grant(A, 'chat')).relays).toEqual([R1])
    // The popup's list of sites shows them with the grant.
    expect(await permissions.list()).toEqual([
      expect.objectContaining({ origin: A, space: 'chat', decision: 'allow', relays: [R1] }),
    ])
    // joinThread hands the host the origin's relays for that space; other calls do not.
    await call('joinThread', { space: 'chat', room: 'lobby' })
    expect(host.calls.at(-1)).toMatchObject({ method: 'joinThread', spaceRelays: [R1] })
    // Another origin gets none of them.
    await permissions.decide(B, 'chat', 'allow')
    await call('joinThread', { space: 'chat', room: 'lobby' }, pageSender(B))
    expect(host.calls.at(-1)).toMatchObject({ method: 'joinThread', spaceRelays: [] })
    // Not a relay address, or too many: refused by name before any prompt.
    const bad = [
      await call('openSpace', { space: 'other', relays: ['https://relay.example.com'] }),
      await call('openSpace', { space: 'other', relays: [R1, R2, R1, R2, R1] }),
      await call('openSpace', { space: 'other', relays: [] }),
    ]
    expect(bad.map((outcome) => failure(outcome)?.name)).toEqual(
      Array(3).fill('InvalidRequestError'),
    )
    expect(windows.opened).toHaveLength(2)
  })

  it("refuses a site's relays on this computer or network by name unless the user allows them, and leaves them out of joins once they do not", async () => {
    const LOCAL = '/ip4/192.168.1.20/tcp/4040/ws'
    const PUBLIC = '/dns4/r1.example.com/tcp/443/wss'
    for (const relays of [
      [LOCAL],
      [PUBLIC, '/dns4/relay.local/tcp/4040/ws'],
      ['/ip4/127.0.0.1/tcp/1/ws'],
    ]) {
      expect(failure(await call('openSpace', { space: 'chat', relays }))).toMatchObject({
        name: 'LocalRelayError',
        code: 4100,
        message: expect.stringContaining('Sites may name relays on this computer or network'),
      })
    }
    // Refused before any prompt, and nothing granted.
    expect(windows.opened).toHaveLength(0)
    expect(await permissions.decision(A, 'chat')).toBeUndefined()
    // The user allows local site relays: the site may name them (and is asked).
    stored = { ...DEFAULT_SETTINGS, localSiteRelays: true }
    const opening = call('openSpace', { space: 'chat', relays: [PUBLIC, LOCAL] })
    await answer(true)
    expect(await opening).toMatchObject({ ok: true })
    await call('joinThread', { space: 'chat', room: 'lobby' })
    expect(host.calls.at(-1)).toMatchObject({ method: 'joinThread', spaceRelays: [PUBLIC, LOCAL] })
    // Turned off again: the grant stands, its local relay is no longer handed to the host.
    stored = DEFAULT_SETTINGS
    await call('joinThread', { space: 'chat', room: 'lobby' })
    expect(host.calls.at(-1)).toMatchObject({ method: 'joinThread', spaceRelays: [PUBLIC] })
  })

  it('links a wallet: the prompt shows the account, the message names the site, the signature is checked, the grant keeps it', async () => {
    const wallet = Wallet.createRandom()
    await permissions.decide(A, 'chat', 'allow')
    const preparing = call('prepareLink', {
      space: 'chat',
      address: wallet.address.toLowerCase(),
      chainId: 10,
    })
    await flush()
    const shown = await router.handlers['prompt:details'](
      { id: windows.lastRequest() },
      extensionSender('prompt.html'),
    )
    expect(shown).toMatchObject({
      origin: A,
      space: 'chat',
      link: { address: wallet.address.toLowerCase(), chainId: 10 },
    })
    await answer(true)
    const prepared = await preparing
    if (!prepared.ok) throw new Error(prepared.error.message)
    const { message } = prepared.result as { message: string }
    for (const part of [
      'a.example wants you to sign in',
      wallet.address,
      'Chain ID: 10',
      shown?.did,
      '- ghost-threads:space:chat',
    ])
      expect(message).toContain(part)
    // Signed by another account than the one shown: refused by name, nothing kept.
    const forger = Wallet.createRandom()
    const forged = await call('completeLink', {
      space: 'chat',
      signature: await forger.signMessage(message),
    })
    expect(failure(forged)).toMatchObject({ name: 'WalletLinkError' })
    // The pending message is still there for the right signature.
    const signature = await wallet.signMessage(message)
    expect(await call('completeLink', { space: 'chat', signature })).toEqual({
      ok: true,
      result: { address: wallet.address },
    })
    expect((await permissions.grant(A, 'chat')).link).toEqual({ message, signature })
    // The popup's list of sites shows the account linked there.
    expect(await permissions.list()).toEqual([
      expect.objectContaining({ origin: A, space: 'chat', linkedAddress: wallet.address }),
    ])
    expect(host.links).toEqual([{ space: 'chat', link: { message, signature } }])
    // Kept with the grant: a join hands the host the link.
    await call('joinThread', { space: 'chat', room: 'lobby' })
    expect(host.calls.at(-1)).toMatchObject({ walletLink: { message, signature } })
    // Completed once: a second completion has nothing pending.
    expect(failure(await call('completeLink', { space: 'chat', signature }))).toMatchObject({
      name: 'InvalidRequestError',
    })
    // Unlinking forgets it everywhere.
    expect(await call('unlinkWallet', { space: 'chat' })).toEqual({ ok: true, result: null })
    expect((await permissions.grant(A, 'chat')).link).toBeUndefined()
    expect((await permissions.list())[0]).not.toHaveProperty('linkedAddress')
    expect(host.links.at(-1)).toEqual({ space: 'chat', unlinked: new URL(A).host })
  })

  it('refuses a link for a space not allowed (4100) and a link the user denies (4001)', async () => {
    const wallet = Wallet.createRandom()
    const params = { space: 'chat', address: wallet.address, chainId: 1 }
    expect(failure(await call('prepareLink', params))).toMatchObject({ code: 4100 })
    expect(windows.opened).toHaveLength(0)
    await permissions.decide(A, 'chat', 'allow')
    const denied = call('prepareLink', params)
    await answer(false)
    expect(failure(await denied)).toMatchObject({ name: 'UserRejectedError', code: 4001 })
    // The space stays allowed, unlinked.
    expect(await permissions.decision(A, 'chat')).toBe('allow')
    expect((await permissions.grant(A, 'chat')).link).toBeUndefined()
  })

  it('two tabs asking at once share one prompt and its answer', async () => {
    const first = call('openSpace', { space: 'chat' }, pageSender(A, 1))
    const second = call('openSpace', { space: 'chat' }, pageSender(A, 2))
    await answer(true)
    expect([(await first).ok, (await second).ok]).toEqual([true, true])
    expect(windows.opened).toHaveLength(1)
  })

  it('Deny gives 4001 and is remembered; closing the window gives 4001 and is not', async () => {
    const denied = call('openSpace', { space: 'chat' })
    await answer(false)
    expect(failure(await denied)).toMatchObject({ name: 'UserRejectedError', code: 4001 })
    expect(failure(await call('openSpace', { space: 'chat' }))).toMatchObject({ code: 4001 })
    expect(windows.opened).toHaveLength(1)

    const dismissed = call('openSpace', { space: 'other' })
    await answer('close')
    expect(failure(await dismissed)).toMatchObject({
      code: 4001,
      message: expect.stringContaining('closed the prompt'),
    })
    expect(await permissions.decision(A, 'other')).toBeUndefined()
  })

  it('opens one prompt per site at a time, and a closed prompt counts as a refusal for a while', async () => {
    // Thirty spaces at once: one window; the rest are told a prompt is already open.
    const asks = Array.from({ length: 30 }, (_, i) => call('openSpace', { space: `space-${i}` }))
    await flush()
    expect(windows.opened).toHaveLength(1)
    const others = await Promise.all(asks.slice(1))
    for (const outcome of others)
      expect(failure(outcome)).toMatchObject({ name: 'PromptPendingError', code: -32002 })
    // Another site is not held up by it.
    const elsewhere = call('openSpace', { space: 'space-1' }, pageSender('https://b.example'))
    await flush()
    expect(windows.opened).toHaveLength(2)
    prompts.windowClosed(2)
    await elsewhere

    // The user closes the first one: asking again at once opens nothing and is refused.
    prompts.windowClosed(1)
    expect(failure((await asks[0]) as Outcome)).toMatchObject({ name: 'UserRejectedError' })
    expect(failure(await call('openSpace', { space: 'space-0' }))).toMatchObject({
      name: 'UserRejectedError',
      code: 4001,
      message: expect.stringContaining(`${PROMPT_DISMISSED_MS / 1000} s`),
    })
    expect(windows.opened).toHaveLength(2)
    // After the wait the site may ask again; closing is not remembered as a decision.
    clock.ms += PROMPT_DISMISSED_MS
    const later = call('openSpace', { space: 'space-0' })
    await answer(true)
    expect(await later).toMatchObject({ ok: true })
    expect(windows.opened).toHaveLength(3)
  })

  it('takes the origin from the sender, never from the payload', async () => {
    await permissions.decide(A, 'chat', 'allow')
    const spoofed = await router.handlers['page:call'](
      {
        session: SESSION,
        method: 'joinThread',
        params: { space: 'chat', room: 'r' },
        origin: A,
      } as never,
      pageSender(B),
    )
    expect(failure(spoofed)).toMatchObject({ name: 'UnauthorizedError', code: 4100 })
    expect(
      failure(await call('joinThread', { space: 'chat', room: 'r', origin: A }, pageSender(B))),
    ).toMatchObject({
      code: -32602,
    })
    expect(host.calls).toEqual([])
  })

  it('passes thread calls to the host with the owner from the sender and the allowed spaces', async () => {
    await permissions.decide(A, 'chat', 'allow')
    await permissions.decide(A, 'denied', 'deny')
    expect(
      await call('post', { thread: HANDLE, message: { text: 'hi' } }, pageSender(A, 9, 3)),
    ).toEqual({
      ok: true,
      result: { echoed: 'post' },
    })
    expect(host.calls).toEqual([
      {
        owner: { tabId: 9, frameId: 3, session: SESSION, origin: A },
        method: 'post',
        params: { thread: HANDLE, message: { text: 'hi' } },
        allowedSpaces: ['chat'],
      },
    ])
  })

  it("keeps the host's error name and code", async () => {
    host.answer = () => ({
      ok: false,
      error: { name: 'UnknownThreadError', code: 4900, message: 'gone' },
    })
    expect(failure(await call('listMembers', { thread: HANDLE }))).toEqual({
      name: 'UnknownThreadError',
      code: 4900,
      message: 'gone',
    })
  })

  it('revoking ends what the origin holds in that space at once', async () => {
    await permissions.decide(A, 'chat', 'allow')
    expect(
      await router.handlers['manage:permissions'](undefined, extensionSender('popup.html')),
    ).toMatchObject({
      ok: true,
      result: [{ origin: A, space: 'chat', decision: 'allow' }],
    })
    await router.handlers['manage:revoke'](
      { origin: A, space: 'chat' },
      extensionSender('popup.html'),
    )
    expect(await permissions.list()).toEqual([])
    expect(host.released).toEqual([{ origin: A, space: 'chat' }])
  })
})

describe('bad calls get the right code and reach nothing', () => {
  it.each([
    ['an unknown method', 'deletePost', { thread: HANDLE }, 'UnsupportedMethodError', 4200],
    [
      'a bad room name',
      'joinThread',
      { space: 'chat', room: 'a b' },
      'InvalidRequestError',
      -32602,
    ],
    ['a missing handle', 'post', { message: 'x' }, 'InvalidRequestError', -32602],
    [
      'a non-JSON message',
      'post',
      { thread: HANDLE, message: undefined },
      'InvalidRequestError',
      -32602,
    ],
    [
      'a bad DM target',
      'post',
      { thread: HANDLE, message: 'x', to: 'QmPeer' },
      'InvalidRequestError',
      -32602,
    ],
    ['a huge getPosts', 'getPosts', { thread: HANDLE, n: 10_000 }, 'InvalidRequestError', -32602],
    ['params that are no object', 'listMembers', 'thread', 'InvalidRequestError', -32602],
    // The content gate leaves these to the router (it carries no schema).
    ['a bad space name', 'openSpace', { space: '../etc' }, 'InvalidRequestError', -32602],
    [
      'an extra field',
      'openSpace',
      { space: 'chat', origin: 'https://a.example' },
      'InvalidRequestError',
      -32602,
    ],
  ])('%s', async (_what, method, params, name, code) => {
    await permissions.decide(A, 'chat', 'allow')
    expect(failure(await call(method, params))).toMatchObject({ name, code })
    expect(host.calls).toEqual([])
  })

  it('refuses pages that are not http(s) tabs, and malformed sessions', async () => {
    const fileSender = { ...pageSender(A), origin: 'file://', url: 'file:///tmp/x.html' }
    expect(failure(await call('openSpace', { space: 'chat' }, fileSender))).toMatchObject({
      code: 4100,
    })
    const noTab = { id: EXTENSION_ID, url: `${A}/x`, origin: A }
    expect(failure(await call('openSpace', { space: 'chat' }, noTab))).toMatchObject({
      code: -32602,
    })
    const ownPage = { ...extensionSender('popup.html'), tab: { id: 3 } }
    expect(failure(await call('openSpace', { space: 'chat' }, ownPage))).toMatchObject({
      code: -32602,
    })
    expect(
      failure(await call('openSpace', { space: 'chat' }, pageSender(A), 'short')),
    ).toMatchObject({
      code: -32602,
    })
    expect(windows.opened).toEqual([])
  })

  it('answers host, prompt and management messages from its own pages only', async () => {
    const web = pageSender(A)
    const owner = { tabId: 1, frameId: 0, session: SESSION, origin: A }
    await expect(router.handlers['router:deliver']({ owner, events: [] }, web)).rejects.toThrow(
      SenderRefusedError,
    )
    await expect(router.handlers['router:settings'](undefined, web)).rejects.toThrow(
      SenderRefusedError,
    )
    await expect(router.handlers['prompt:decide']({ id: 'x', allow: true }, web)).rejects.toThrow(
      SenderRefusedError,
    )
    await expect(
      router.handlers['prompt:decide']({ id: 'x', allow: true }, extensionSender('popup.html')),
    ).rejects.toThrow(SenderRefusedError)
    await expect(router.handlers['manage:revoke']({ origin: A }, web)).rejects.toThrow(
      SenderRefusedError,
    )
    await expect(
      router.handlers['manage:permissions'](undefined, { ...web, id: 'another-extension' }),
    ).rejects.toThrow(SenderRefusedError)
    expect(
      await router.handlers['router:deliver'](
        { owner, events: [] },
        extensionSender('offscreen.html'),
      ),
    ).toBe(true)
    expect(delivered).toEqual([{ owner, events: [] }])
  })
})

describe('page lifetimes', () => {
  it('a new document in a frame releases the earlier one; a closed port releases its page', async () => {
    const owner = router.ownerOf(pageSender(A, 4, 2), SESSION)
    await router.pageConnected(owner)
    await router.pageGone(owner)
    await router.tabRemoved(4)
    expect(host.released).toEqual([
      { tabId: 4, frameId: 2, exceptSession: SESSION },
      { owner: `4/2/${SESSION}` },
      { tabId: 4 },
    ])
  })
})

describe('settings', () => {
  const popup = extensionSender('popup.html')

  it('reads the settings and stores valid relay addresses', async () => {
    expect(await router.handlers['manage:settings'](undefined, popup)).toEqual({
      ok: true,
      result: DEFAULT_SETTINGS,
    })
    const next = {
      relays: ['/dns4/relay.example.com/tcp/443/wss'],
      allowPrivateAddresses: false,
      localSiteRelays: true,
      blocked: [],
    }
    expect(await router.handlers['manage:saveSettings'](next, popup)).toEqual({
      ok: true,
      result: next,
    })
    expect(saved).toEqual([next])
  })

  it('refuses an address that is not a WebSockets multiaddr, naming it, and stores nothing', async () => {
    const outcome = await router.handlers['manage:saveSettings'](
      {
        relays: ['/ip4/127.0.0.1/tcp/4040/ws', 'https://relay.example.com'],
        allowPrivateAddresses: true,
        localSiteRelays: false,
        blocked: [],
      },
      popup,
    )
    expect(failure(outcome)).toMatchObject({
      name: 'InvalidArgumentError',
      code: -32602,
      message: expect.stringMatching(/^relays\.1: a relay address is a WebSockets multiaddr/),
    })
    expect(saved).toEqual([])
    await expect(
      router.handlers['manage:saveSettings'](DEFAULT_SETTINGS, pageSender(A)),
    ).rejects.toThrow(SenderRefusedError)
  })
})

describe("the popup's room, block and identity messages", () => {
  const popup = extensionSender('popup.html')
  const ALICE = `did:key:z6Mk${'a'.repeat(44)}`
  const BOB = `did:key:z6Mk${'b'.repeat(44)}`

  it('blocks and unblocks a DID in the stored settings, once each', async () => {
    expect(await router.handlers['manage:block']({ did: ALICE, blocked: true }, popup)).toEqual({
      ok: true,
      result: { ...DEFAULT_SETTINGS, blocked: [ALICE] },
    })
    await router.handlers['manage:block']({ did: ALICE, blocked: true }, popup)
    await router.handlers['manage:block']({ did: BOB, blocked: true }, popup)
    expect(stored.blocked).toEqual([ALICE, BOB])
    await router.handlers['manage:block']({ did: ALICE, blocked: false }, popup)
    expect(stored.blocked).toEqual([BOB])
    // The relays were left as they were.
    expect(stored.relays).toEqual(DEFAULT_SETTINGS.relays)
  })

  it('refuses a malformed DID and a full block list, and stores nothing', async () => {
    expect(
      failure(await router.handlers['manage:block']({ did: 'bob', blocked: true }, popup)),
    ).toMatchObject({ name: 'InvalidArgumentError', message: expect.stringMatching(/^did: /) })
    stored = {
      ...DEFAULT_SETTINGS,
      blocked: Array.from(
        { length: MAX_BLOCKED },
        (_, i) => `did:key:z6Mk${String(i).padEnd(44, 'c')}`,
      ),
    }
    expect(
      failure(await router.handlers['manage:block']({ did: ALICE, blocked: true }, popup)),
    ).toMatchObject({ name: 'InvalidArgumentError', message: expect.stringContaining('full') })
    expect(saved).toEqual([])
  })

  it('passes room, post, leave and phrase requests to the host only when well formed', async () => {
    const room = { space: 'chat', room: 'lobby' }
    expect(await router.handlers['manage:roomView']({ ...room, after: 3 }, popup)).toMatchObject({
      ok: true,
      result: { space: 'chat', room: 'lobby', did: 'did:key:z6Mkself' },
    })
    expect(
      await router.handlers['manage:postFromPopup']({ ...room, message: 'hi', to: BOB }, popup),
    ).toEqual({ ok: true, result: 'bafypost' })
    expect(await router.handlers['manage:leaveRoom'](room, popup)).toEqual({ ok: true, result: 1 })
    await router.handlers['manage:redial'](undefined, popup)
    await router.handlers['manage:importPhrase']({ phrase: 'abandon '.repeat(24) }, popup)
    // Each under the name it has at every hop: popup, manage:*, the host's contract.
    expect(host.popupCalls.map((c) => c.kind)).toEqual([
      'roomView',
      'postFromPopup',
      'leaveRoom',
      'redial',
      'importPhrase',
    ])
    const refused = [
      await router.handlers['manage:roomView'](
        { space: 'chat', room: 'bad room', after: 0 },
        popup,
      ),
      await router.handlers['manage:roomView']({ ...room, after: -1 }, popup),
      await router.handlers['manage:roomView']({ ...room, after: 0, waitMs: 60_000 }, popup),
      await router.handlers['manage:postFromPopup']({ ...room, message: 'hi', to: 'bob' }, popup),
      await router.handlers['manage:postFromPopup'](
        { ...room, message: 'hi', extra: 1 } as never,
        popup,
      ),
      await router.handlers['manage:leaveRoom']({ space: '', room: 'lobby' }, popup),
      await router.handlers['manage:importPhrase']({ phrase: 'x'.repeat(401) }, popup),
    ]
    expect(refused.map((outcome) => failure(outcome)?.name)).toEqual(
      Array(7).fill('InvalidArgumentError'),
    )
    expect(failure(refused[0] as Outcome)?.message).toMatch(/^room: the room name/)
    expect(host.popupCalls).toHaveLength(5)
  })

  it("lists the user's DID in each allowed space, and shows a tab", async () => {
    await permissions.decide(A, 'chat', 'allow')
    await permissions.decide(B, 'chat', 'allow')
    await permissions.decide(B, 'games', 'allow')
    await permissions.decide(B, 'secret', 'deny')
    expect(await router.handlers['manage:identities'](undefined, popup)).toEqual({
      ok: true,
      result: [
        { space: 'chat', did: `did:key:z6Mk${'chat'.padEnd(44, 'x')}` },
        { space: 'games', did: `did:key:z6Mk${'games'.padEnd(44, 'x')}` },
      ],
    })
    expect(await router.handlers['manage:showTab']({ tabId: 9 }, popup)).toEqual({
      ok: true,
      result: null,
    })
    expect(failure(await router.handlers['manage:showTab']({ tabId: -1 }, popup))?.name).toBe(
      'InvalidArgumentError',
    )
    expect(shown).toEqual([9])
  })

  it('refuses every popup message from a web page', async () => {
    const web = pageSender(A)
    const room = { space: 'chat', room: 'lobby' }
    const attempts = [
      () => router.handlers['manage:block']({ did: ALICE, blocked: true }, web),
      () => router.handlers['manage:roomView']({ ...room, after: 0 }, web),
      () => router.handlers['manage:postFromPopup']({ ...room, message: 'x' }, web),
      () => router.handlers['manage:leaveRoom'](room, web),
      () => router.handlers['manage:redial'](undefined, web),
      () => router.handlers['manage:identities'](undefined, web),
      () => router.handlers['manage:exportPhrase'](undefined, web),
      () => router.handlers['manage:importPhrase']({ phrase: 'a' }, web),
      () => router.handlers['manage:showTab']({ tabId: 1 }, web),
    ]
    for (const attempt of attempts) await expect(attempt()).rejects.toThrow(SenderRefusedError)
    expect(host.popupCalls).toEqual([])
    expect(saved).toEqual([])
  })
})
