import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { Wallet } from 'ethers'
import { GhostThread } from '../../src/core/ghost-thread.js'
import { GhostThreads } from '../../src/core/ghost-threads.js'
import { createSeedIdentity, generateSeed, type Identity } from '../../src/core/identity.js'
import { MemoryHub } from '../../src/core/memory-transport.js'
import { composeLinkMessage } from '../../src/core/wallet-link.js'
import {
  MAX_HANDLES_PER_PAGE,
  MAX_HANDLES_PER_PAGE_ROOM,
  PAGE_MEMBERS_LISTED,
} from '../../src/host/constants.js'
import { GhostHost, type GhostHostInit, type HostNetwork } from '../../src/host/ghost-host.js'
import { hostEndpoint, hostHandlers, invokeOn } from '../../src/host/host-handlers.js'
import {
  DAPP_METHOD_NAMES,
  isSpaceMethod,
  type JoinedThread,
  type ThreadMethod,
} from '../../src/shared/dapp-methods.js'
import { InvalidRecoveryPhraseError } from '../../src/shared/errors.js'
import { HOST_METHODS } from '../../src/shared/host-protocol.js'
import { PROTOCOL_MESSAGES } from '../../src/shared/messengers.js'
import type { Owner } from '../../src/shared/owner.js'
import { DEFAULT_SETTINGS } from '../../src/shared/settings.js'
import type { ThreadEvent } from '../../src/shared/thread-events.js'
import { sleep, waitFor } from '../helpers/wait.js'

const A = 'https://a.example'
const tab = (tabId: number, origin = A): Owner => ({
  tabId,
  frameId: 0,
  session: `s${tabId}`.padEnd(24, '0'),
  origin,
})

let hub = new MemoryHub()
const started: GhostHost[] = []
beforeEach(() => {
  hub = new MemoryHub()
})
afterEach(async () => {
  await Promise.all(started.splice(0).map((host) => host.stop()))
})

/** A host over the in-memory hub, recording what it delivers to each page. */
function memoryNetwork(identity: Identity): HostNetwork {
  const transport = hub.createTransport()
  const ghost = new GhostThreads({ transport, identity })
  return {
    ghost,
    applySettings: async () => undefined,
    status: () => ({ peerIds: ['memory'], relays: [], connections: 0, directPeers: 0 }),
    roomLink: (thread) => ({
      relays: [],
      peers: transport.subscribers(thread.topic).length,
      directPeers: 0,
    }),
    redial: () => undefined,
    stop: () => ghost.stop(),
  }
}

function memoryHost(
  reachable: (owner: Owner) => boolean = () => true,
  extra: Pick<GhostHostInit, 'settings' | 'recovery'> = {},
) {
  const identity = createSeedIdentity(generateSeed())
  const network = memoryNetwork(identity)
  const delivered: { owner: Owner; events: ThreadEvent[] }[] = []
  const host = new GhostHost({
    identity,
    network: Promise.resolve(network),
    deliver: async (owner, events) => {
      if (!reachable(owner)) return false
      delivered.push({ owner, events })
      return true
    },
    ...extra,
  })
  started.push(host)
  const eventsOf = (owner: Owner) =>
    delivered.filter((batch) => batch.owner.tabId === owner.tabId).flatMap((batch) => batch.events)
  return { host, delivered, eventsOf }
}

const join = (host: GhostHost, owner: Owner, room = 'lobby', extra: object = {}) =>
  host.call(owner, 'joinThread', { space: 'chat', room, ...extra }, [
    'chat',
  ]) as Promise<JoinedThread>

describe('the host', () => {
  it('answers every message of its protocol and serves every thread method', async () => {
    const { host } = memoryHost()
    const endpoint = hostEndpoint(host)
    expect(Object.keys(hostHandlers(endpoint, () => true))).toEqual([...PROTOCOL_MESSAGES.host])
    // Every method of the contract is served, and nothing else.
    expect(Object.keys(endpoint).sort()).toEqual([...HOST_METHODS].sort())
    expect(await invokeOn(endpoint, { method: 'stop', arg: undefined })).toMatchObject({
      ok: false,
      error: { name: 'InvalidRequestError', message: 'The host has no method "stop"' },
    })
    const owner = tab(1)
    // A private room of the page's making: rotateInvite is served there too.
    const { thread } = await join(host, owner, 'lobby', { createPrivate: true })
    // Every thread method but the join, closeThread last (the others need the thread open).
    const methods = DAPP_METHOD_NAMES.filter(
      (m): m is ThreadMethod => !isSpaceMethod(m) && m !== 'joinThread' && m !== 'closeThread',
    ).concat(['closeThread'])
    const results: Record<string, unknown> = {}
    const params = (method: string): unknown =>
      method === 'post'
        ? { thread, message: 'hello' }
        : method === 'react'
          ? { thread, postId: results.post, emoji: '👍' }
          : { thread }
    for (const method of methods)
      results[method] = await host.call(owner, method, params(method), ['chat'])
    // Each method's own answer; closeThread is last, so the others ran on an open thread.
    const did = await host.did('chat')
    expect(methods.at(-1)).toBe('closeThread')
    expect(results).toEqual({
      post: expect.stringMatching(/^b[a-z2-7]{20,}$/),
      getPosts: [expect.objectContaining({ author: did, message: 'hello' })],
      listMembers: [did],
      requestBacklog: [], // nobody else in the room to ask
      listMembersWithAddresses: [{ did }],
      typing: false, // nobody in the room to hear it
      react: null,
      memberCount: 1,
      rotateInvite: expect.stringMatching(/^[A-Za-z0-9_-]{85}[AQgw]$/),
      closeThread: null,
    })
    await expect(host.call(owner, 'getPosts', { thread }, ['chat'])).rejects.toMatchObject({
      name: 'UnknownThreadError',
    })
  })

  it('lists a page at most PAGE_MEMBERS_LISTED members, ours first; the count is of all of them', async () => {
    const { host } = memoryHost()
    const owner = tab(1)
    const { thread, did } = await join(host, owner)
    // A crowd as the engine would hold it (5,000 is its own cap): ours first, then others.
    const crowd = [
      did,
      ...Array.from({ length: 2_500 }, (_, i) => `did:key:z6Mk${String(i).padStart(44, 'c')}`),
    ]
    const listed = jest
      .spyOn(GhostThread.prototype, 'listMembersWithAddresses')
      .mockResolvedValue(crowd.map((member) => ({ did: member })))
    const counted = jest.spyOn(GhostThread.prototype, 'memberCount').mockResolvedValue(crowd.length)
    try {
      const dids = (await host.call(owner, 'listMembers', { thread }, ['chat'])) as string[]
      expect(dids).toHaveLength(PAGE_MEMBERS_LISTED)
      expect(dids[0]).toBe(did)
      const members = (await host.call(owner, 'listMembersWithAddresses', { thread }, [
        'chat',
      ])) as unknown[]
      expect(members).toHaveLength(PAGE_MEMBERS_LISTED)
      expect(await host.call(owner, 'memberCount', { thread }, ['chat'])).toBe(2_501)
    } finally {
      listed.mockRestore()
      counted.mockRestore()
    }
  })

  it('a second tab joining a room its host already holds is told what the first was: members and backlog', async () => {
    const { host, eventsOf } = memoryHost()
    const other = memoryHost()
    const [t1, t2] = [tab(1), tab(2)]
    const first = await join(host, t1)
    const bob = await join(other.host, tab(9))
    await waitFor(() => eventsOf(t1).some((e) => e.kind === 'user-joined'), { what: 'bob' })
    for (const message of ['one', 'two'])
      await other.host.call(tab(9), 'post', { thread: bob.thread, message }, ['chat'])
    await waitFor(() => eventsOf(t1).filter((e) => e.kind === 'message').length === 2)
    const second = await join(host, t2)
    await waitFor(() => eventsOf(t2).some((e) => e.kind === 'backlog-received'), {
      what: 'the second tab’s backlog',
    })
    const told = eventsOf(t2)
    expect(told.every((e) => e.thread === second.thread)).toBe(true)
    expect(
      told.filter((e) => e.kind === 'user-joined').map((e) => e.kind === 'user-joined' && e.did),
    ).toEqual([bob.did])
    const backlog = told.find((e) => e.kind === 'backlog-received')
    expect(
      backlog?.kind === 'backlog-received' && backlog.backlog.message.map((p) => p.message),
    ).toEqual(['one', 'two'])
    // The first tab hears nothing of the second's arrival: it is the same member.
    expect(
      eventsOf(t1).filter((e) => e.kind === 'backlog-received' && e.thread === first.thread).length,
    ).toBeLessThanOrEqual(1)
  })

  it('each tab of a shared room reads and is handed backlog by its own ghostBacklogLimit', async () => {
    const { host, eventsOf } = memoryHost()
    const other = memoryHost()
    const bob = await join(other.host, tab(9))
    for (let i = 1; i <= 6; i++)
      await other.host.call(tab(9), 'post', { thread: bob.thread, message: `m${i}` }, ['chat'])
    const [small, large] = [tab(1), tab(2)]
    const three = await join(host, small, 'lobby', { ghostBacklogLimit: 3 })
    await waitFor(() => eventsOf(small).some((e) => e.kind === 'backlog-received'), {
      what: 'backlog',
    })
    const five = await join(host, large, 'lobby', { ghostBacklogLimit: 5 })
    const texts = async (owner: Owner, thread: string, n?: number) =>
      (
        (await host.call(owner, 'getPosts', n === undefined ? { thread } : { thread, n }, [
          'chat',
        ])) as {
          message: unknown
        }[]
      ).map((p) => p.message)
    expect(await texts(small, three.thread)).toEqual(['m4', 'm5', 'm6'])
    expect(await texts(small, three.thread, 10)).toEqual(['m4', 'm5', 'm6'])
    expect(await texts(small, three.thread, 2)).toEqual(['m5', 'm6'])
    const backlogOf = (owner: Owner) =>
      eventsOf(owner).flatMap((e) =>
        e.kind === 'backlog-received' ? [e.backlog.message.map((p) => p.message)] : [],
      )
    expect(backlogOf(small)).toEqual([['m4', 'm5', 'm6']])
    // The thread kept 3 when the second tab came; asked again, the room hands it up to 5.
    const asked = (await host.call(large, 'requestBacklog', { thread: five.thread }, ['chat'])) as {
      message: unknown
    }[]
    expect(asked.map((p) => p.message)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6'])
    expect(await texts(large, five.thread)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6'])
    expect(await texts(small, three.thread)).toEqual(['m4', 'm5', 'm6'])
  })

  it('refuses host messages from anyone but the router', async () => {
    const { host } = memoryHost()
    const handlers = hostHandlers(
      hostEndpoint(host),
      (sender) => sender.url === 'chrome-extension://x/background.js',
    )
    await expect(
      handlers['host:invoke'](
        { method: 'did', arg: { space: 'chat' } },
        { url: 'https://evil.example/' },
      ),
    ).rejects.toThrow('Only the router may call the host')
    expect(
      await handlers['host:invoke'](
        { method: 'did', arg: { space: 'chat' } },
        { url: 'chrome-extension://x/background.js' },
      ),
    ).toMatchObject({
      ok: true,
      result: expect.stringMatching(/^did:key:/),
    })
  })

  it('tells each tab how its room is connected: right after the join, and again when it changes', async () => {
    const { host, eventsOf } = memoryHost()
    const other = memoryHost()
    const [t1, t2] = [tab(1), tab(2)]
    const statusOf = (owner: Owner) =>
      eventsOf(owner).flatMap((e) => (e.kind === 'status' ? [e] : []))
    const first = await join(host, t1)
    await waitFor(() => statusOf(t1).length > 0, { what: "the first tab's first status" })
    // Alone in the room, on a network without relays: nobody reached yet.
    expect(statusOf(t1)[0]).toEqual({
      thread: first.thread,
      kind: 'status',
      connection: {
        state: 'connecting',
        relays: { connected: 0, total: 0 },
        siteRelays: [],
        peers: 0,
        directPeers: 0,
        firstPeerMs: null,
        posting: 'queued',
      },
    })
    await join(other.host, tab(9))
    await waitFor(() => statusOf(t1).at(-1)?.connection.state === 'online', {
      what: 'the room online once bob is in it',
    })
    const online = statusOf(t1).at(-1)?.connection
    expect(online).toMatchObject({ peers: 1, posting: 'sent' })
    expect(online?.firstPeerMs).toEqual(expect.any(Number))
    // A second tab of the room hears it too, on its own handle; the first is not told again.
    const told = statusOf(t1).length
    const second = await join(host, t2)
    await waitFor(() => statusOf(t2).length > 0, { what: "the second tab's status" })
    expect(statusOf(t2).at(-1)).toEqual({
      thread: second.thread,
      kind: 'status',
      connection: online,
    })
    expect(statusOf(t1).length).toBe(told)
  })

  it('two tabs share one thread; each has its own handle and events; the last one out leaves', async () => {
    const { host, eventsOf } = memoryHost()
    const other = memoryHost()
    const [t1, t2] = [tab(1), tab(2)]
    const first = await join(host, t1)
    const second = await join(host, t2)
    expect(first.thread).not.toBe(second.thread)
    expect(first.did).toBe(second.did)
    const bob = await join(other.host, tab(9))
    await waitFor(() => eventsOf(t1).some((e) => e.kind === 'user-joined'), {
      what: 'bob seen by tab 1',
    })
    // Bob learns of alice from her presence answer to his join.
    await waitFor(() => other.eventsOf(tab(9)).some((e) => e.kind === 'user-joined'), {
      what: 'alice seen by bob',
    })
    await other.host.call(tab(9), 'post', { thread: bob.thread, message: 'to both tabs' }, ['chat'])
    for (const owner of [t1, t2])
      await waitFor(
        () =>
          eventsOf(owner).some((e) => e.kind === 'message' && e.post.message === 'to both tabs'),
        { what: `tab ${owner.tabId} to get the post` },
      )
    expect(eventsOf(t1).every((e) => e.thread === first.thread)).toBe(true)
    expect(eventsOf(t2).every((e) => e.thread === second.thread)).toBe(true)

    await host.call(t1, 'closeThread', { thread: first.thread }, ['chat'])
    expect((await host.popup.status()).threads).toEqual([
      // Bob's post came after the room opened and the popup has not looked: one unread.
      {
        space: 'chat',
        room: 'lobby',
        members: 2,
        direct: 0,
        owners: [A],
        unread: 1,
        topic: '3box.chat.v2.chat.lobby',
        private: false,
      },
    ])
    await other.host.call(tab(9), 'post', { thread: bob.thread, message: 'after tab 1 left' }, [
      'chat',
    ])
    await waitFor(() =>
      eventsOf(t2).some((e) => e.kind === 'message' && e.post.message === 'after tab 1 left'),
    )
    expect(other.eventsOf(tab(9)).some((e) => e.kind === 'user-left')).toBe(false)
    expect(await host.release({ owner: `2/0/${tab(2).session}` })).toBe(1)
    await waitFor(() => other.eventsOf(tab(9)).some((e) => e.kind === 'user-left'), {
      what: 'the last tab to leave',
    })
  })

  it('caps the handles one page holds in a room and in all, by name, and leaves a room it refused', async () => {
    const { host } = memoryHost()
    const page = tab(1)
    for (let i = 0; i < MAX_HANDLES_PER_PAGE_ROOM; i++) await join(host, page)
    await expect(join(host, page)).rejects.toMatchObject({
      name: 'TooManyThreadsError',
      code: -32005,
      message: expect.stringContaining('reuse one'),
    })
    // Another page still joins the same room.
    await expect(join(host, tab(2))).resolves.toMatchObject({ room: 'lobby' })
    // Across rooms: up to MAX_HANDLES_PER_PAGE, then the next room is refused and left.
    const rooms = MAX_HANDLES_PER_PAGE - MAX_HANDLES_PER_PAGE_ROOM
    for (let i = 0; i < rooms; i++) await join(host, page, `room-${i}`)
    await expect(join(host, page, 'one-too-many')).rejects.toMatchObject({
      name: 'TooManyThreadsError',
    })
    const open = (await host.popup.status()).threads.map((thread) => thread.room)
    expect(open).not.toContain('one-too-many')
    expect(open).toHaveLength(1 + rooms)
  })

  it('a handle works only for the page it was given to', async () => {
    const { host } = memoryHost()
    const { thread } = await join(host, tab(1))
    await expect(host.call(tab(2), 'listMembers', { thread }, ['chat'])).rejects.toMatchObject({
      name: 'UnknownThreadError',
      code: 4900,
    })
    await expect(
      host.call({ ...tab(1), session: 'another'.padEnd(24, '0') }, 'listMembers', { thread }, [
        'chat',
      ]),
    ).rejects.toMatchObject({ name: 'UnknownThreadError' })
  })

  it('a revoked space stops the page with 4100 and tells it the thread closed', async () => {
    const { host, eventsOf } = memoryHost()
    const owner = tab(1)
    const { thread } = await join(host, owner)
    await expect(
      host.call(owner, 'joinThread', { space: 'chat', room: 'x' }, []),
    ).rejects.toMatchObject({ code: 4100 })
    await expect(host.call(owner, 'post', { thread, message: 'x' }, [])).rejects.toMatchObject({
      name: 'UnauthorizedError',
      code: 4100,
    })
    await waitFor(() => eventsOf(owner).some((e) => e.kind === 'closed'), {
      what: 'the closed event',
    })
    // The handle stays revoked (4100, ask again), also over the page's own port...
    await expect(
      host.call(owner, 'post', { thread, message: 'x' }, ['chat']),
    ).rejects.toMatchObject({ name: 'UnauthorizedError', code: 4100 })
    await expect(
      host.callOnLease(owner, { ok: true, method: 'listMembers', params: { thread } }),
    ).rejects.toMatchObject({
      code: 4100,
    })
    // ...and means nothing to another page.
    await expect(
      host.callOnLease(tab(2), { ok: true, method: 'listMembers', params: { thread } }),
    ).rejects.toMatchObject({
      name: 'UnknownThreadError',
      code: 4900,
    })
  })

  it('a page that can no longer be reached loses its leases', async () => {
    let reachable = true
    const { host } = memoryHost(() => reachable)
    const other = memoryHost()
    const owner = tab(1)
    const { thread } = await join(host, owner)
    const bob = await join(other.host, tab(5))
    reachable = false
    await other.host.call(tab(5), 'post', { thread: bob.thread, message: 'anyone?' }, ['chat'])
    await waitFor(
      async () => {
        try {
          await host.call(owner, 'listMembers', { thread }, ['chat'])
          return false
        } catch {
          return true
        }
      },
      { what: 'the lease to go' },
    )
  })

  it('delivers events in order, batching while a delivery is under way', async () => {
    const { host, delivered } = memoryHost()
    const other = memoryHost()
    const owner = tab(1)
    await join(host, owner)
    const bob = await join(other.host, tab(5))
    await waitFor(() => delivered.some((b) => b.events.some((e) => e.kind === 'user-joined')))
    const texts = Array.from({ length: 30 }, (_, i) => `m${i}`)
    for (const message of texts)
      await other.host.call(tab(5), 'post', { thread: bob.thread, message }, ['chat'])
    // Live, or in the catch-up answer the owner asks Bob for right after meeting him: run
    // cold, that answer held 27 of the 30 posts before their live copies were checked
    // (which were then duplicates). Either way each arrives once, in order.
    const received = () =>
      delivered
        .flatMap((b) => b.events)
        .flatMap((e) =>
          e.kind === 'message'
            ? [e.post.message]
            : e.kind === 'backlog-received'
              ? e.backlog.message.map((post) => post.message)
              : [],
        )
    await waitFor(() => received().length === texts.length, {
      what: 'all 30 posts',
      timeoutMs: 10_000,
    })
    expect(received()).toEqual(texts)
  })
})

/** A link of `did` in "chat" to `wallet`, made on `domain` and `chainId`. */
async function linkOn(
  wallet: Pick<Wallet, 'address' | 'signMessage'>,
  did: string,
  domain: string,
  chainId = 1,
) {
  const now = Date.now()
  const message = composeLinkMessage({
    domain,
    uri: `https://${domain}`,
    address: wallet.address,
    chainId,
    did,
    space: 'chat',
    nonce: `n0nce${domain.length}${chainId}xyz`,
    issuedAt: new Date(now - 1_000),
    expirationTime: new Date(now + 3_600_000),
  })
  return { message, signature: await wallet.signMessage(message) }
}

describe('a page that asked for linked members only', () => {
  it('sees only wallet-linked members on every path; another tab in the same room sees everyone', async () => {
    const { host, eventsOf } = memoryHost()
    const linked = memoryHost()
    const unlinked = memoryHost()
    const wallet = Wallet.createRandom()
    // Alice links her DID in the space, then joins; Carol joins unlinked.
    const aliceDid = await linked.host.did('chat')
    expect(
      await linked.host.links.linkWallet({
        space: 'chat',
        link: await linkOn(wallet, aliceDid, 'a.example'),
      }),
    ).toBe(wallet.address)
    const alice = await join(linked.host, tab(2))
    const carol = await join(unlinked.host, tab(3))
    const strict = tab(1)
    const open = tab(4)
    const { thread } = (await host.call(
      strict,
      'joinThread',
      { space: 'chat', room: 'lobby', linkedOnly: true },
      ['chat'],
    )) as JoinedThread
    const everyone = await join(host, open)
    await waitFor(
      async () =>
        ((await host.call(open, 'listMembers', { thread: everyone.thread }, ['chat'])) as string[])
          .length === 3,
      {
        what: 'the three members (us, alice, carol) at the open tab',
      },
    )
    await linked.host.call(tab(2), 'post', { thread: alice.thread, message: 'linked says' }, [
      'chat',
    ])
    await unlinked.host.call(tab(3), 'post', { thread: carol.thread, message: 'unlinked says' }, [
      'chat',
    ])
    const texts = (events: ThreadEvent[]) =>
      events.flatMap((e) => (e.kind === 'message' ? [e.post.message] : []))
    await waitFor(() => texts(eventsOf(open)).length === 2, { what: 'both posts at the open tab' })
    // Both came to the one thread the tabs share; the strict tab's batch may trail the open one's.
    await waitFor(() => texts(eventsOf(strict)).includes('linked says'), {
      what: 'the linked post at the strict tab',
    })
    expect(texts(eventsOf(strict))).toEqual(['linked says'])
    const seen = (await host.call(strict, 'getPosts', { thread }, ['chat'])) as {
      message: unknown
      address?: string
    }[]
    expect(seen).toEqual([
      expect.objectContaining({ message: 'linked says', address: wallet.address }),
    ])
    const members = (await host.call(strict, 'listMembersWithAddresses', { thread }, ['chat'])) as {
      did: string
    }[]
    expect(members.map((m) => m.did).sort()).toEqual([await host.did('chat'), aliceDid].sort())
    expect(
      eventsOf(strict)
        .filter((e) => e.kind === 'user-joined')
        .map((e) => (e as { did: string }).did),
    ).not.toContain(await unlinked.host.did('chat'))
  })
})

describe('a wallet link counts only on the site (and chain) it was made for', () => {
  it("shows the account to the page of its site; another site's page, or one naming another chain, sees the member unlinked, and linkedOnly hides it there", async () => {
    const { host, eventsOf } = memoryHost()
    const alice = memoryHost()
    const wallet = Wallet.createRandom()
    const aliceDid = await alice.host.did('chat')
    await alice.host.links.linkWallet({
      space: 'chat',
      link: await linkOn(wallet, aliceDid, 'a.example', 10),
    })
    // Four tabs of one browser in the same room: its own site, another site, its own site
    // on another chain, and another site asking for linked members only.
    const own = tab(1)
    const other = tab(2, 'https://b.example')
    const otherChain = tab(3)
    const otherStrict = tab(4, 'https://b.example')
    const ownJoin = await join(host, own)
    const otherJoin = (await host.call(other, 'joinThread', { space: 'chat', room: 'lobby' }, [
      'chat',
    ])) as JoinedThread
    const chainJoin = (await host.call(
      otherChain,
      'joinThread',
      { space: 'chat', room: 'lobby', linkChainId: 1 },
      ['chat'],
    )) as JoinedThread
    const strictJoin = (await host.call(
      otherStrict,
      'joinThread',
      { space: 'chat', room: 'lobby', linkedOnly: true },
      ['chat'],
    )) as JoinedThread
    const aliceJoin = await join(alice.host, tab(7))
    await alice.host.call(tab(7), 'post', { thread: aliceJoin.thread, message: 'hi' }, ['chat'])
    await waitFor(() => eventsOf(other).some((e) => e.kind === 'message'), {
      what: "alice's post at the other site's tab",
    })
    await sleep(100)

    const linkedOn = { domain: 'a.example', chainId: 10 }
    const joinedOf = (owner: Owner) => eventsOf(owner).find((e) => e.kind === 'user-joined')
    const postOf = (owner: Owner) => eventsOf(owner).find((e) => e.kind === 'message')
    expect(joinedOf(own)).toMatchObject({ did: aliceDid, address: wallet.address, linkedOn })
    expect(postOf(own)).toMatchObject({ post: { address: wallet.address, linkedOn } })
    for (const unlinkedAt of [other, otherChain]) {
      expect(joinedOf(unlinkedAt)).toEqual(expect.objectContaining({ did: aliceDid }))
      expect(joinedOf(unlinkedAt)).not.toHaveProperty('address')
      expect(postOf(unlinkedAt)).toBeDefined()
      expect(postOf(unlinkedAt)).not.toHaveProperty('post.address')
      expect(postOf(unlinkedAt)).not.toHaveProperty('post.linkedOn')
    }
    expect(eventsOf(otherStrict).filter((e) => e.kind !== 'closed' && e.kind !== 'status')).toEqual(
      [],
    )

    const membersAt = (owner: Owner, thread: string) =>
      host.call(owner, 'listMembersWithAddresses', { thread }, ['chat'])
    const ownDid = await host.did('chat')
    expect(await membersAt(own, ownJoin.thread)).toEqual(
      expect.arrayContaining([{ did: aliceDid, address: wallet.address, linkedOn }]),
    )
    expect(await membersAt(other, otherJoin.thread)).toEqual(
      expect.arrayContaining([{ did: aliceDid }]),
    )
    expect(await membersAt(otherChain, chainJoin.thread)).toEqual(
      expect.arrayContaining([{ did: aliceDid }]),
    )
    expect(await membersAt(otherStrict, strictJoin.thread)).toEqual([{ did: ownDid }])
    const postsAt = (owner: Owner, thread: string) =>
      host.call(owner, 'getPosts', { thread }, ['chat']) as Promise<object[]>
    expect(await postsAt(own, ownJoin.thread)).toEqual([
      expect.objectContaining({ message: 'hi', address: wallet.address, linkedOn }),
    ])
    expect((await postsAt(other, otherJoin.thread))[0]).not.toHaveProperty('address')
    expect(await postsAt(otherStrict, strictJoin.thread)).toEqual([])
    // A linked-only page still sees its own posts, linked or not.
    await host.call(otherStrict, 'post', { thread: strictJoin.thread, message: 'mine' }, ['chat'])
    expect(await postsAt(otherStrict, strictJoin.thread)).toEqual([
      expect.objectContaining({ message: 'mine', author: ownDid }),
    ])
    // The popup is the user's own view of every site: it shows the link and where it was made.
    const view = await host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })
    expect(view.members).toEqual(
      expect.arrayContaining([expect.objectContaining({ did: aliceDid, linkedOn })]),
    )
    // Alice types and says what she saw, then leaves: the linked-only page hears none of it
    // (a member it does not see does not type, read or leave there either).
    await alice.host.call(tab(7), 'typing', { thread: aliceJoin.thread }, ['chat'])
    const kinds = (owner: Owner) => eventsOf(owner).map((e) => e.kind)
    await waitFor(() => kinds(other).includes('typing'), {
      what: "alice's typing at the other site's tab",
    })
    await alice.host.call(tab(7), 'closeThread', { thread: aliceJoin.thread }, ['chat'])
    await waitFor(() => kinds(other).filter((k) => k === 'user-left').length > 0, {
      what: "alice's leaving at the other site's tab",
    })
    expect(kinds(otherStrict).filter((k) => ['typing', 'seen', 'user-left'].includes(k))).toEqual(
      [],
    )
    expect(kinds(own)).toEqual(expect.arrayContaining(['typing', 'user-left']))
  })

  it("keeps one link per space: another site's unlink leaves it, a join's stored link does not replace a newer one", async () => {
    const { host } = memoryHost()
    const wallet = Wallet.createRandom()
    const did = await host.did('chat')
    const onA = await linkOn(wallet, did, 'a.example')
    const onB = await linkOn(wallet, did, 'b.example')
    await host.links.linkWallet({ space: 'chat', link: onA })
    await host.links.unlinkWallet({ space: 'chat', domain: 'b.example' })
    const own = await join(host, tab(1))
    const ownAccount = async () =>
      (
        (await host.call(tab(1), 'listMembersWithAddresses', { thread: own.thread }, ['chat'])) as {
          did: string
          address?: string
        }[]
      )[0]
    expect(await ownAccount()).toMatchObject({ did, address: wallet.address })
    // A page of b.example joins with its grant's (older) link: the space keeps a.example's.
    await host.call(
      tab(2, 'https://b.example'),
      'joinThread',
      { space: 'chat', room: 'lobby' },
      ['chat'],
      [],
      onB,
    )
    expect(await ownAccount()).toMatchObject({ address: wallet.address })
    await host.links.unlinkWallet({ space: 'chat', domain: 'a.example' })
    expect(await ownAccount()).toEqual({ did })
    // With no link held, a join's stored link is taken again (the host restarted, say).
    await host.call(tab(3), 'joinThread', { space: 'chat', room: 'lobby' }, ['chat'], [], onA)
    expect(await ownAccount()).toMatchObject({ address: wallet.address })
  })
})

describe("the popup's view of rooms", () => {
  const messagesOf = (events: ThreadEvent[]) =>
    events.flatMap((e) => (e.kind === 'message' ? [e.post.message] : []))

  /** Alice's host with tab 1 in the lobby, and bob's host in it too, seeing each other. */
  async function lobby(extra: Pick<GhostHostInit, 'settings' | 'recovery'> = {}) {
    const alice = memoryHost(undefined, extra)
    const bob = memoryHost()
    const aliceTab = tab(1)
    const bobTab = tab(9, 'https://b.example')
    const aliceJoin = await join(alice.host, aliceTab)
    const bobJoin = await join(bob.host, bobTab)
    await waitFor(
      async () =>
        (await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })).members
          .length === 2,
      { what: 'bob in alice’s member list' },
    )
    return { alice, bob, aliceTab, bobTab, aliceJoin, bobJoin }
  }

  it('shows posts after a cursor, counts unread until looked at, and lists members and tabs', async () => {
    const { alice, bob, bobTab, bobJoin, aliceJoin } = await lobby()
    for (const message of ['one', 'two'])
      await bob.host.call(bobTab, 'post', { thread: bobJoin.thread, message }, ['chat'])
    await waitFor(async () => (await alice.host.popup.status()).threads[0]?.unread === 2, {
      what: 'two unread',
    })
    const first = await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })
    expect(first.posts.map((p) => p.post.message)).toEqual(['one', 'two'])
    expect(first.did).toBe(aliceJoin.did)
    expect(first.members).toEqual([
      { did: aliceJoin.did, online: true, blocked: false },
      { did: bobJoin.did, online: true, blocked: false },
    ])
    expect(first.tabs).toEqual([{ origin: A, tabId: 1 }])
    // Fetched is not yet seen: read once the popup asks again after what it showed.
    expect((await alice.host.popup.status()).threads[0]?.unread).toBe(2)
    await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: first.latest - 1 })
    expect((await alice.host.popup.status()).threads[0]?.unread).toBe(1)
    await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: first.latest })
    expect((await alice.host.popup.status()).threads[0]?.unread).toBe(0)
    // Our own post is in the feed but never unread.
    await alice.host.popup.postFromPopup({
      space: 'chat',
      room: 'lobby',
      message: 'from the popup',
    })
    expect((await alice.host.popup.status()).threads[0]?.unread).toBe(0)
    const next = await alice.host.popup.roomView({
      space: 'chat',
      room: 'lobby',
      after: first.latest,
    })
    expect(next.posts.map((p) => [p.post.message, p.post.author])).toEqual([
      ['from the popup', aliceJoin.did],
    ])
    await waitFor(() => messagesOf(bob.eventsOf(bobTab)).includes('from the popup'), {
      what: 'the popup post at bob',
    })
    // Bob leaves: he stays listed, offline.
    await bob.host.call(bobTab, 'closeThread', { thread: bobJoin.thread }, ['chat'])
    await waitFor(
      async () =>
        (await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })).members[1]
          ?.online === false,
      { what: 'bob offline' },
    )
  })

  it('a waiting room request answers as soon as a post arrives, or when its time is up', async () => {
    const { alice, bob, bobTab, bobJoin } = await lobby()
    const lobbyRef = { space: 'chat', room: 'lobby' }
    const { latest } = await alice.host.popup.roomView({ ...lobbyRef, after: 0 })
    let started = Date.now()
    const idle = await alice.host.popup.roomView({ ...lobbyRef, after: latest, waitMs: 300 })
    expect(idle.posts).toEqual([])
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)

    started = Date.now()
    const waiting = alice.host.popup.roomView({ ...lobbyRef, after: latest, waitMs: 8_000 })
    await bob.host.call(bobTab, 'post', { thread: bobJoin.thread, message: 'wake up' }, ['chat'])
    expect((await waiting).posts.map((p) => p.post.message)).toEqual(['wake up'])
    expect(Date.now() - started).toBeLessThan(4_000)

    // The room closing ends a waiting request with the reason, not a stale view.
    const closing = alice.host.popup.roomView({ ...lobbyRef, after: latest + 1, waitMs: 8_000 })
    await alice.host.popup.leaveRoom(lobbyRef)
    await expect(closing).rejects.toMatchObject({ name: 'RoomNotOpenError' })
  })

  it('hides a blocked author everywhere pages and the popup look, and undoes it', async () => {
    const { alice, bob, aliceTab, aliceJoin, bobTab, bobJoin } = await lobby({
      settings: Promise.resolve({ ...DEFAULT_SETTINGS }),
    })
    const bobSays = (message: string) =>
      bob.host.call(bobTab, 'post', { thread: bobJoin.thread, message }, ['chat'])
    await bobSays('before the block')
    await waitFor(() => messagesOf(alice.eventsOf(aliceTab)).includes('before the block'))
    await alice.host.applySettings({ ...DEFAULT_SETTINGS, blocked: [bobJoin.did] })
    await bobSays('while blocked')
    await bobSays('also blocked')
    const view = await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })
    await waitFor(
      async () =>
        (await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })).hidden === 3,
      { what: 'all three of bob’s posts in the feed, hidden' },
    )
    expect(view.posts).toEqual([])
    expect(view.members[1]).toEqual({ did: bobJoin.did, online: true, blocked: true })
    expect(messagesOf(alice.eventsOf(aliceTab))).toEqual(['before the block'])
    expect(
      await alice.host.call(aliceTab, 'getPosts', { thread: aliceJoin.thread }, ['chat']),
    ).toEqual([])
    expect((await alice.host.popup.status()).threads[0]?.unread).toBe(0)
    // Undo: new posts arrive again, and the popup shows the earlier ones too.
    await alice.host.applySettings({ ...DEFAULT_SETTINGS, blocked: [] })
    await bobSays('after the undo')
    await waitFor(() => messagesOf(alice.eventsOf(aliceTab)).includes('after the undo'))
    expect(messagesOf(alice.eventsOf(aliceTab))).toEqual(['before the block', 'after the undo'])
    const after = await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })
    expect(after.posts.map((p) => p.post.message)).toEqual([
      'before the block',
      'while blocked',
      'also blocked',
      'after the undo',
    ])
  })

  it('the block list read at start applies before any page joins', async () => {
    const bob = memoryHost()
    const bobJoin = await join(bob.host, tab(9))
    const alice = memoryHost(undefined, {
      settings: Promise.resolve({ ...DEFAULT_SETTINGS, blocked: [bobJoin.did] }),
    })
    const aliceJoin = await join(alice.host, tab(1))
    await bob.host.call(tab(9), 'post', { thread: bobJoin.thread, message: 'hidden' }, ['chat'])
    await waitFor(
      async () =>
        (await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })).hidden === 1,
    )
    expect(messagesOf(alice.eventsOf(tab(1)))).toEqual([])
    expect(
      await alice.host.call(tab(1), 'getPosts', { thread: aliceJoin.thread }, ['chat']),
    ).toEqual([])
  })

  it('a block list stored at start does not undo a change applied before it was read', async () => {
    const bob = memoryHost()
    const bobJoin = await join(bob.host, tab(9))
    let readStored: (settings: typeof DEFAULT_SETTINGS) => void = () => undefined
    const alice = memoryHost(undefined, {
      settings: new Promise((resolve) => (readStored = resolve)),
    })
    await alice.host.applySettings({ ...DEFAULT_SETTINGS, blocked: [bobJoin.did] })
    readStored({ ...DEFAULT_SETTINGS, blocked: [] })
    await join(alice.host, tab(1))
    await bob.host.call(tab(9), 'post', { thread: bobJoin.thread, message: 'still hidden' }, [
      'chat',
    ])
    await waitFor(
      async () =>
        (await alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 })).hidden === 1,
    )
    expect(messagesOf(alice.eventsOf(tab(1)))).toEqual([])
  })

  it('leaving in the popup closes the room for every tab, which say why', async () => {
    const { alice, aliceTab } = await lobby()
    const second = tab(2)
    const secondJoin = await join(alice.host, second)
    expect(await alice.host.popup.leaveRoom({ space: 'chat', room: 'lobby' })).toBe(2)
    for (const owner of [aliceTab, second])
      expect(alice.eventsOf(owner).at(-1)).toMatchObject({
        kind: 'closed',
        reason: 'left-in-popup',
      })
    expect((await alice.host.popup.status()).threads).toEqual([])
    await expect(
      alice.host.call(second, 'post', { thread: secondJoin.thread, message: 'x' }, ['chat']),
    ).rejects.toMatchObject({ name: 'UnknownThreadError' })
    for (const request of [
      () => alice.host.popup.roomView({ space: 'chat', room: 'lobby', after: 0 }),
      () => alice.host.popup.postFromPopup({ space: 'chat', room: 'lobby', message: 'x' }),
      () => alice.host.popup.leaveRoom({ space: 'chat', room: 'lobby' }),
    ])
      await expect(request()).rejects.toMatchObject({ name: 'RoomNotOpenError', code: 4900 })
  })

  it('importing a phrase swaps the identity, ends threads, and a bad phrase changes nothing', async () => {
    const seed = generateSeed()
    const imported: string[] = []
    const { alice, aliceTab, aliceJoin } = await lobby({
      recovery: {
        exportPhrase: async () => 'the current words',
        importPhrase: async (phrase) => {
          if (phrase !== 'good words')
            throw new InvalidRecoveryPhraseError('not a phrase; check each word')
          imported.push(phrase)
          const identity = createSeedIdentity(seed)
          return { identity, network: Promise.resolve(memoryNetwork(identity)) }
        },
      },
    })
    expect(await alice.host.exportPhrase()).toBe('the current words')
    await expect(alice.host.importPhrase('bad words')).rejects.toMatchObject({
      name: 'InvalidRecoveryPhraseError',
    })
    expect(await alice.host.did('chat')).toBe(aliceJoin.did)
    expect((await alice.host.popup.status()).threads).toHaveLength(1)

    await alice.host.importPhrase('good words')
    const expected = (await createSeedIdentity(seed).signerForSpace('chat')).did
    expect(await alice.host.did('chat')).toBe(expected)
    expect(alice.eventsOf(aliceTab).at(-1)).toMatchObject({
      kind: 'closed',
      reason: 'identity-changed',
    })
    const rejoined = await join(alice.host, aliceTab)
    expect(rejoined.did).toBe(expected)
    expect(imported).toEqual(['good words'])
  })
})

describe('private rooms through the host (issue 25)', () => {
  it('a page makes a private room, another user joins by its invite; the popup shows it private and gives its invite', async () => {
    const alice = memoryHost()
    const bob = memoryHost()
    const aliceTab = tab(1)
    const bobTab = tab(9, 'https://b.example')
    const made = await join(alice.host, aliceTab, 'plans', { createPrivate: true })
    expect(made.invite).toMatch(/^[A-Za-z0-9_-]{85}[AQgw]$/)
    // Bob's page calls the room something else: the invite is the room.
    const joined = await join(bob.host, bobTab, 'from-alice', { invite: made.invite })
    expect(joined.invite).toBe(made.invite)
    // A public room of the same name is another room.
    const publicJoin = await join(alice.host, tab(2), 'plans')
    expect(publicJoin.invite).toBeUndefined()
    const [privateRoom] = (await alice.host.popup.status()).threads.filter((t) => t.private)
    expect(privateRoom?.topic).toMatch(/^3box\.chat\.v2-private\.z/)
    const ref = { space: 'chat', room: 'plans', topic: privateRoom?.topic as string }
    await waitFor(
      async () => (await alice.host.popup.roomView({ ...ref, after: 0 })).online === 2,
      {
        what: 'bob in the private room',
      },
    )
    await bob.host.call(bobTab, 'post', { thread: joined.thread, message: 'psst' }, ['chat'])
    await waitFor(
      async () =>
        (await alice.host.popup.roomView({ ...ref, after: 0 })).posts.some(
          (p) => p.post.message === 'psst',
        ),
      { what: 'bob’s post in alice’s private room' },
    )
    const view = await alice.host.popup.roomView({ ...ref, after: 0 })
    expect(view.private).toBe(true)
    // Without the topic, the name is the public room's, which heard nothing.
    const publicView = await alice.host.popup.roomView({ space: 'chat', room: 'plans', after: 0 })
    expect(publicView.private).toBe(false)
    expect(publicView.posts).toEqual([])
    expect(await alice.host.popup.roomInvite(ref)).toBe(made.invite)
    await expect(alice.host.popup.roomInvite({ space: 'chat', room: 'plans' })).rejects.toThrow(
      /public room: anyone who knows its name can join it, and it has no invite/,
    )
  })

  it('refuses a malformed invite, and an invite with createPrivate, by name', async () => {
    const { host } = memoryHost()
    await expect(join(host, tab(1), 'x', { invite: 'not-an-invite' })).rejects.toThrow(
      /Invalid params\.invite for joinThread: not an invite/,
    )
    const invite =
      'q0Yh3v9dKx2mTn7cWb5RjLp8sAe4Fg6HiUoZyXwVuQAb7Kd2Lm9Np4Qr6St8Uv1Wx3Yz5Ab7Cd9Ef2Gh4Ij6Kg'
    await expect(join(host, tab(1), 'x', { invite, createPrivate: true })).rejects.toThrow(
      /an invite \(to join a private room\) or createPrivate \(to make one\), not both/,
    )
    expect((await host.popup.status()).threads).toEqual([])
  })

  it('the creator page rotates: kept pages keep their handles in the new room, the removed page is told why', async () => {
    const alice = memoryHost()
    const bob = memoryHost()
    const carol = memoryHost()
    const [aliceTab, bobTab, carolTab] = [tab(1), tab(2, 'https://b.example'), tab(3)]
    const made = await join(alice.host, aliceTab, 'plans', { createPrivate: true })
    const bobJoin = await join(bob.host, bobTab, 'plans', { invite: made.invite })
    const carolJoin = await join(carol.host, carolTab, 'plans', { invite: made.invite })
    const members = () =>
      alice.host.call(aliceTab, 'listMembers', { thread: made.thread }, ['chat']) as Promise<
        string[]
      >
    await waitFor(async () => (await members()).length === 3, { what: 'three in the room' })
    await expect(
      bob.host.call(bobTab, 'rotateInvite', { thread: bobJoin.thread }, ['chat']),
    ).rejects.toThrow(/Only the room's creator/)
    const next = (await alice.host.call(
      aliceTab,
      'rotateInvite',
      { thread: made.thread, remove: [carolJoin.did] },
      ['chat'],
    )) as string
    expect(next).not.toBe(made.invite)
    const kindsOf = (events: ThreadEvent[]) => events.map((e) => e.kind)
    await waitFor(
      () =>
        bob.eventsOf(bobTab).some((e) => e.kind === 'moved' && e.invite === next) &&
        carol.eventsOf(carolTab).some((e) => e.kind === 'closed' && e.reason === 'removed'),
      { what: 'bob moved and carol removed' },
    )
    expect(kindsOf(alice.eventsOf(aliceTab))).toContain('moved')
    expect(kindsOf(bob.eventsOf(bobTab))).not.toContain('closed')
    // The same handles go on in the new room.
    await waitFor(async () => (await members()).length === 2, { what: 'alice and bob there' })
    await bob.host.call(bobTab, 'post', { thread: bobJoin.thread, message: 'still here' }, ['chat'])
    await waitFor(
      () =>
        alice
          .eventsOf(aliceTab)
          .some((e) => e.kind === 'message' && e.post.message === 'still here'),
      { what: 'bob’s post in the new room' },
    )
    await expect(
      carol.host.call(carolTab, 'post', { thread: carolJoin.thread, message: 'x' }, ['chat']),
    ).rejects.toThrow()
    const rooms = (await alice.host.popup.status()).threads
    expect(rooms).toHaveLength(1)
    expect(
      await alice.host.popup.roomInvite({ space: 'chat', room: 'plans', topic: rooms[0]?.topic }),
    ).toBe(next)
    await expect(
      alice.host.call(aliceTab, 'rotateInvite', { thread: made.thread, bogus: 1 }, ['chat']),
    ).rejects.toThrow(/Invalid params for rotateInvite|Unrecognized key/)
  })

  it('keeps a private room the user asks to keep: its invite outlives the tabs and follows a move; Forget ends it', async () => {
    const alice = memoryHost()
    const bob = memoryHost()
    const made = await join(alice.host, tab(1), 'plans', { createPrivate: true })
    const bobJoin = await join(bob.host, tab(2), 'plans', { invite: made.invite })
    const [room] = (await alice.host.popup.status()).threads
    const ref = { space: 'chat', room: 'plans', topic: room?.topic as string }
    expect((await alice.host.popup.roomView({ ...ref, after: 0 })).kept).toBe(false)
    expect(await alice.host.popup.keepRoom({ ...ref, keep: true })).toBe(true)
    expect((await alice.host.popup.roomView({ ...ref, after: 0 })).kept).toBe(true)
    expect(await alice.host.popup.keptRooms()).toEqual([ref])
    // A public room has nothing to keep.
    await join(alice.host, tab(3), 'open')
    await expect(
      alice.host.popup.keepRoom({ space: 'chat', room: 'open', keep: true }),
    ).rejects.toThrow(/public room: there is no invite to keep/)
    // The creator moves the room: the kept invite is the new one.
    await waitFor(
      async () =>
        (
          (await alice.host.call(tab(1), 'listMembers', { thread: made.thread }, [
            'chat',
          ])) as string[]
        ).length === 2,
      { what: 'bob in the room' },
    )
    const next = (await alice.host.call(tab(1), 'rotateInvite', { thread: made.thread }, [
      'chat',
    ])) as string
    await waitFor(async () => (await alice.host.popup.keptRooms())[0]?.topic !== ref.topic, {
      what: 'the kept room to follow the move',
    })
    const [moved] = await alice.host.popup.keptRooms()
    // Every tab leaves: the kept invite is still there to copy.
    await alice.host.call(tab(1), 'closeThread', { thread: made.thread }, ['chat'])
    await bob.host.call(tab(2), 'closeThread', { thread: bobJoin.thread }, ['chat'])
    expect(await alice.host.popup.roomInvite(moved as typeof ref)).toBe(next)
    expect(await alice.host.popup.keepRoom({ ...(moved as typeof ref), keep: false })).toBe(false)
    expect(await alice.host.popup.keptRooms()).toEqual([])
    await expect(alice.host.popup.roomInvite(moved as typeof ref)).rejects.toThrow(/No tab is in/)
  })
})
