import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { GhostThreads } from '../../src/core/ghost-threads.js'
import { createSeedIdentity, generateSeed } from '../../src/core/identity.js'
import { MemoryHub } from '../../src/core/memory-transport.js'
import { GhostHost, type HostNetwork, type JoinedThread } from '../../src/host/ghost-host.js'
import { hostHandlers } from '../../src/host/host-handlers.js'
import { DAPP_METHOD_NAMES, type ThreadMethod } from '../../src/shared/dapp-methods.js'
import { PROTOCOL_MESSAGES } from '../../src/shared/messengers.js'
import type { Owner } from '../../src/shared/owner.js'
import type { ThreadEvent } from '../../src/shared/thread-events.js'
import { waitFor } from '../helpers/wait.js'

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
function memoryHost(reachable: (owner: Owner) => boolean = () => true) {
  const identity = createSeedIdentity(generateSeed())
  const ghost = new GhostThreads({ transport: hub.createTransport(), identity })
  const network: HostNetwork = {
    ghost,
    applySettings: async () => undefined,
    status: () => ({ peerId: 'memory', relays: [], connections: 0, directPeers: 0 }),
    directSubscribers: () => 0,
    stop: () => ghost.stop(),
  }
  const delivered: { owner: Owner; events: ThreadEvent[] }[] = []
  const host = new GhostHost({
    identity,
    network: Promise.resolve(network),
    deliver: async (owner, events) => {
      if (!reachable(owner)) return false
      delivered.push({ owner, events })
      return true
    },
  })
  started.push(host)
  const eventsOf = (owner: Owner) =>
    delivered.filter((batch) => batch.owner.tabId === owner.tabId).flatMap((batch) => batch.events)
  return { host, delivered, eventsOf }
}

const join = (host: GhostHost, owner: Owner, room = 'lobby') =>
  host.call(owner, 'joinThread', { space: 'chat', room }, ['chat']) as Promise<JoinedThread>

describe('the host', () => {
  it('answers every message of its protocol and serves every thread method', async () => {
    const { host } = memoryHost()
    const handlers = hostHandlers(host, () => true)
    expect(Object.keys(handlers).sort()).toEqual([...PROTOCOL_MESSAGES.host].sort())
    const owner = tab(1)
    const { thread } = await join(host, owner)
    const methods = DAPP_METHOD_NAMES.filter(
      (m): m is ThreadMethod => m !== 'openSpace' && m !== 'joinThread',
    )
    const params: Record<string, unknown> = { post: { thread, message: 'hello' } }
    for (const method of methods) {
      await expect(host.call(owner, method, params[method] ?? { thread }, ['chat'])).resolves.not
        .toThrow
    }
  })

  it('refuses host messages from anyone but the router', async () => {
    const { host } = memoryHost()
    const handlers = hostHandlers(
      host,
      (sender) => sender.url === 'chrome-extension://x/background.js',
    )
    await expect(
      handlers['host:did']({ space: 'chat' }, { url: 'https://evil.example/' }),
    ).rejects.toThrow('Only the router may call the host')
    expect(
      await handlers['host:did']({ space: 'chat' }, { url: 'chrome-extension://x/background.js' }),
    ).toMatchObject({
      ok: true,
      result: expect.stringMatching(/^did:key:/),
    })
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
    expect((await host.status()).threads).toEqual([
      { space: 'chat', room: 'lobby', members: 2, direct: 0, owners: [A] },
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
    await expect(host.callOnLease(owner, 'listMembers', { thread })).rejects.toMatchObject({
      code: 4100,
    })
    // ...and means nothing to another page.
    await expect(host.callOnLease(tab(2), 'listMembers', { thread })).rejects.toMatchObject({
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
    const received = () =>
      delivered
        .flatMap((b) => b.events)
        .flatMap((e) => (e.kind === 'message' ? [e.post.message] : []))
    await waitFor(() => received().length === texts.length, {
      what: 'all 30 posts',
      timeoutMs: 10_000,
    })
    expect(received()).toEqual(texts)
  })
})
