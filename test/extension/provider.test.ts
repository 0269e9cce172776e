import { describe, expect, it } from '@jest/globals'
import type { Post } from '../../src/core/post.js'
import { ProviderRpcError, type ProviderTransport } from '../../src/inpage/page-channel.js'
import { GhostThreadsProvider } from '../../src/inpage/provider.js'
import type { ConnectionStatus, RoomConnection } from '../../src/shared/connection-status.js'
import type { ThreadEvent } from '../../src/shared/thread-events.js'
import { waitFor } from '../helpers/wait.js'

const DID = `did:key:z6Mk${'a'.repeat(44)}`
const OTHER = `did:key:z6Mk${'b'.repeat(44)}`
const INVITE =
  'q0Yh3v9dKx2mTn7cWb5RjLp8sAe4Fg6HiUoZyXwVuQAb7Kd2Lm9Np4Qr6St8Uv1Wx3Yz5Ab7Cd9Ef2Gh4Ij6Kg'
const H1 = 'handle-1'.padEnd(16, '0')
const H2 = 'handle-2'.padEnd(16, '0')

/** A fake extension: records requests, answers from a table, and can push events. */
function fakeExtension() {
  const requests: [string, unknown][] = []
  let handles = 0
  let emit: (events: ThreadEvent[]) => void = () => {}
  let reset: () => void = () => {}
  /** What the fake host says of each post (undefined: nothing, as an older host). */
  let deliveryWord: 'sent' | 'queued' | undefined = 'sent'
  const answers: Record<string, (params: Record<string, unknown>) => unknown> = {
    openSpace: (p) => ({ space: p.space, did: DID }),
    joinThread: (p) => ({
      thread: `handle-${++handles}`.padEnd(16, '0'),
      did: DID,
      space: p.space,
      room: p.room,
      // As the host answers a private room's join: with its invite (a new one when made).
      ...(p.createPrivate === true ? { invite: INVITE } : {}),
      ...(typeof p.invite === 'string' ? { invite: p.invite } : {}),
    }),
    post: () => 'bafypost',
    getPosts: () => [post('one', DID), post('troll', OTHER)],
    listMembers: () => [DID, OTHER],
    requestBacklog: () => [post('old', OTHER), post('kept', DID)],
    closeThread: () => null,
  }
  const transport: ProviderTransport = {
    async request(method, params) {
      requests.push([method, params])
      const answer = answers[method]
      if (answer === undefined)
        throw new ProviderRpcError({ name: 'UnsupportedMethodError', code: 4200, message: method })
      const result = answer(params as Record<string, unknown>)
      // As the host does: a post's first delivery word, on the event path, after the answer.
      if (method === 'post' && deliveryWord !== undefined) {
        const { thread } = params as { thread: string }
        const word = deliveryWord
        setTimeout(() =>
          emit([{ thread, kind: 'delivery', postId: result as string, delivery: word }]),
        )
      }
      return result
    },
    onEvents: (listener) => {
      emit = listener
    },
    onReset: (listener) => {
      reset = listener
    },
  }
  return {
    transport,
    requests,
    emit: (e: ThreadEvent[]) => emit(e),
    reset: () => reset(),
    answers,
    saysOfPosts: (word: 'sent' | 'queued' | undefined) => {
      deliveryWord = word
    },
  }
}

function connection(over: Partial<RoomConnection>): RoomConnection {
  return {
    state: 'online',
    relays: { connected: 1, total: 1 },
    siteRelays: [],
    peers: 1,
    directPeers: 0,
    firstPeerMs: 200,
    posting: 'sent',
    ...over,
  }
}

function post(message: string, author: string): Post {
  return { type: 'chat', author, message, timestamp: 1, postId: `bafy${message}` }
}

async function joined() {
  const ext = fakeExtension()
  const provider = new GhostThreadsProvider(ext.transport)
  const space = await provider.openSpace('chat')
  const thread = await space.joinThread('lobby', { ghost: true, ghostBacklogLimit: 20 })
  // The dapp's turn: a thread's events reach it after it could add its listeners.
  await nextTurn()
  return { ext, provider, space, thread }
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('the inpage provider over a fake extension', () => {
  it('opens a space and joins a thread with 3IP-9 arguments', async () => {
    const { ext, space, thread } = await joined()
    expect(space.did).toBe(DID)
    expect([thread.space, thread.name, thread.did]).toEqual(['chat', 'lobby', DID])
    expect(ext.requests).toEqual([
      ['openSpace', { space: 'chat' }],
      ['joinThread', { space: 'chat', room: 'lobby', ghostBacklogLimit: 20 }],
    ])
  })

  it('checks names and options in the page before asking the extension', async () => {
    const ext = fakeExtension()
    const provider = new GhostThreadsProvider(ext.transport)
    await expect(provider.openSpace('no spaces')).rejects.toMatchObject({
      name: 'InvalidNameError',
      code: -32602,
    })
    const space = await provider.openSpace('chat')
    await expect(space.joinThread('lobby')).rejects.toMatchObject({
      name: 'UnsupportedOperationError',
      code: 4200,
    })
    await expect(space.joinThread('x'.repeat(65), { ghost: true })).rejects.toMatchObject({
      name: 'InvalidNameError',
    })
    await expect(provider.request(null as never)).rejects.toMatchObject({
      name: 'InvalidRequestError',
    })
    expect(ext.requests).toEqual([['openSpace', { space: 'chat' }]])
  })

  it('sends thread calls with its handle and passes errors on with name and code', async () => {
    const { ext, thread } = await joined()
    expect(await thread.post('hi', OTHER)).toBe('bafypost')
    expect(await thread.listMembers()).toEqual([DID, OTHER])
    expect(ext.requests.at(-2)).toEqual(['post', { message: 'hi', to: OTHER, thread: H1 }])
    ext.answers.listMembers = () => {
      throw new ProviderRpcError({ name: 'UnknownThreadError', code: 4900, message: 'join again' })
    }
    await expect(thread.listMembers()).rejects.toMatchObject({
      name: 'UnknownThreadError',
      code: 4900,
    })
  })

  it('routes events to their thread; filters run in the page on live posts, backlog and getPosts', async () => {
    const { ext, thread } = await joined()
    const seen: unknown[] = []
    thread.on('message', (p) => seen.push(['message', p.message]))
    thread.on('backlog-received', (b) => seen.push(['backlog', b.message.map((p) => p.message)]))
    thread.onNewCapabilities((event, did) => seen.push([event, did]))
    thread.addFilter((p) => p.author !== OTHER)
    const handle = H1
    ext.emit([
      { thread: handle, kind: 'message', post: post('mine', DID) },
      { thread: handle, kind: 'message', post: post('troll', OTHER) },
      { thread: 'someone-elses-thread', kind: 'message', post: post('not ours', DID) },
      { thread: handle, kind: 'user-joined', did: OTHER },
      {
        thread: handle,
        kind: 'backlog-received',
        backlog: { type: 'backlog', message: [post('old', OTHER), post('kept', DID)] },
      },
      { thread: handle, kind: 'user-left', did: OTHER },
    ])
    expect(seen).toEqual([
      ['message', 'mine'],
      ['joined', OTHER],
      ['backlog', ['kept']],
      ['left', OTHER],
    ])
    expect((await thread.getPosts()).map((p) => p.message)).toEqual(['one'])
    expect((await thread._requestBacklog()).map((p) => p.message)).toEqual(['kept'])
  })

  it('a thread the extension closed tells the page why, once, and every later call says it: 4100 when revoked, else 4900', async () => {
    const revoked = await joined()
    const heard: string[] = []
    revoked.thread.on('closed', (reason) => heard.push(reason))
    revoked.ext.emit([{ thread: H1, kind: 'closed', reason: 'revoked' }])
    // A second word from the host changes nothing: the page heard the first.
    revoked.ext.emit([{ thread: H1, kind: 'closed', reason: 'left-in-popup' }])
    expect(heard).toEqual(['revoked'])
    expect(revoked.thread.isOpen).toBe(false)
    expect(revoked.thread.closedReason).toBe('revoked')
    await expect(revoked.thread.post('x')).rejects.toMatchObject({
      name: 'UnauthorizedError',
      code: 4100,
      message: expect.stringMatching(
        /revoked this site's permission for this space; call openSpace/,
      ),
    })
    await expect(revoked.thread.close()).resolves.toBe('revoked')
    for (const [reason, says] of [
      ['left-in-popup', /left this room in the Ghost Threads popup; call joinThread/],
      ['identity-changed', /another identity/],
      ['host-restarted', /restarted and could not join this room again/],
    ] as const) {
      const closed = await joined()
      const told: string[] = []
      closed.thread.on('closed', (why) => told.push(why))
      closed.ext.emit([{ thread: H1, kind: 'closed', reason }])
      expect(told).toEqual([reason])
      await expect(closed.thread.getPosts()).rejects.toMatchObject({
        name: 'ThreadClosedError',
        code: 4900,
        reason,
        message: expect.stringMatching(says),
      })
      await expect(closed.thread.close()).resolves.toBe(reason)
      // The page did not ask: nothing was sent to close it again.
      expect(closed.ext.requests.filter(([method]) => method === 'closeThread')).toEqual([])
    }
    expect(revoked.ext.requests.filter(([method]) => method === 'post')).toEqual([])
  })

  it('post() resolves once its delivery is known: sent, or queued and later sent or dropped', async () => {
    const { ext, thread } = await joined()
    const heard: [string, string][] = []
    thread.on('delivery', (postId, delivery) => heard.push([postId, delivery]))
    const sent = await thread.post('now')
    expect(thread.deliveryOf(sent)).toBe('sent')
    ext.saysOfPosts('queued')
    ext.answers.post = () => 'bafyqueued'
    const queued = await thread.post('later')
    expect(thread.deliveryOf(queued)).toBe('queued')
    ext.emit([{ thread: H1, kind: 'delivery', postId: queued, delivery: 'dropped' }])
    expect(thread.deliveryOf(queued)).toBe('dropped')
    expect(heard).toEqual([
      [sent, 'sent'],
      [queued, 'queued'],
      [queued, 'dropped'],
    ])
    expect(thread.deliveryOf('bafynotours')).toBeUndefined()
  })

  it("close() emits 'closed' with 'closed', resolves to it, and later calls say the thread was closed", async () => {
    const { ext, thread } = await joined()
    const heard: string[] = []
    thread.on('closed', (reason) => heard.push(reason))
    await expect(thread.close()).resolves.toBe('closed')
    await expect(thread.close()).resolves.toBe('closed')
    expect(heard).toEqual(['closed'])
    expect(ext.requests.filter(([method]) => method === 'closeThread')).toHaveLength(1)
    await expect(thread.post('x')).rejects.toMatchObject({
      name: 'ThreadClosedError',
      reason: 'closed',
      message: expect.stringMatching(/close\(\) was called\); call joinThread/),
    })
  })

  it("status() and 'status' sum up the rooms as the host tells them: idle, connecting, the worst room's state, a room gone", async () => {
    const ext = fakeExtension()
    // Frozen, as the extension gives it to the page (src/inpage/index.ts).
    const provider = Object.freeze(new GhostThreadsProvider(ext.transport))
    expect(await provider.status()).toEqual({ state: 'idle', rooms: [] })
    const heard: ConnectionStatus[] = []
    provider.on('status', (status) => heard.push(status))
    const space = await provider.openSpace('chat')
    const lobby = await space.joinThread('lobby', { ghost: true })
    await nextTurn()
    // The host has said nothing of the room yet.
    expect((await provider.status()).rooms).toEqual([
      expect.objectContaining({
        space: 'chat',
        room: 'lobby',
        state: 'connecting',
        posting: 'queued',
      }),
    ])
    const online = connection({ state: 'online', peers: 2, posting: 'sent', firstPeerMs: 180 })
    ext.emit([{ thread: H1, kind: 'status', connection: online }])
    await nextTurn()
    expect(heard.at(-1)).toEqual({
      state: 'online',
      rooms: [{ space: 'chat', room: 'lobby', ...online }],
    })
    const side = await space.joinThread('side', { ghost: true })
    await nextTurn()
    const offline = connection({ state: 'offline' })
    ext.emit([{ thread: H2, kind: 'status', connection: offline }])
    await nextTurn()
    // One room offline: the page is offline, and says which room.
    expect(await provider.status()).toEqual({
      state: 'offline',
      rooms: [
        { space: 'chat', room: 'lobby', ...online },
        { space: 'chat', room: 'side', ...offline },
      ],
    })
    const told = heard.length
    ext.emit([{ thread: H2, kind: 'status', connection: offline }])
    await nextTurn()
    expect(heard.length).toBe(told)
    // The status event never reaches the thread's own listeners.
    expect(side.listenerCount('message')).toBe(0)
    await side.close()
    expect(heard.at(-1)).toEqual({
      state: 'online',
      rooms: [{ space: 'chat', room: 'lobby', ...online }],
    })
    ext.emit([{ thread: H1, kind: 'closed', reason: 'left-in-popup' }])
    await nextTurn()
    expect(heard.at(-1)).toEqual({ state: 'idle', rooms: [] })
    expect(lobby.isOpen).toBe(false)
    expect(() => provider.on('statsu' as 'status', () => undefined)).toThrow(
      /takes one of the provider's events: status; got "statsu"/,
    )
  })

  it("a thread that cannot join again after the extension restarted closes with 'host-restarted'", async () => {
    const { ext, thread } = await joined()
    const heard: string[] = []
    thread.on('closed', (reason) => heard.push(reason))
    ext.answers.joinThread = () => {
      throw new ProviderRpcError({ name: 'UnauthorizedError', code: 4100, message: 'no' })
    }
    ext.reset()
    await waitFor(() => heard.length > 0, { what: 'the thread to close' })
    expect(heard).toEqual(['host-restarted'])
    expect(thread.closedReason).toBe('host-restarted')
  })

  it('makes a private room and joins one by invite; checks the invite in the page; joins again by it after a reset', async () => {
    const ext = fakeExtension()
    const provider = new GhostThreadsProvider(ext.transport)
    const space = await provider.openSpace('chat')
    const { thread, invite } = await space.createPrivateThread('plans', { ghostBacklogLimit: 5 })
    expect([invite, thread.invite, thread.name]).toEqual([INVITE, INVITE, 'plans'])
    const other = INVITE.replace('q0', 'r1')
    const joined = await space.joinThread('theirs', { ghost: true, invite: other })
    expect(joined.invite).toBe(other)
    const named = await space.createPrivateThread()
    expect(named.thread.name).toBe('private')
    expect(ext.requests.slice(1)).toEqual([
      ['joinThread', { space: 'chat', room: 'plans', createPrivate: true, ghostBacklogLimit: 5 }],
      ['joinThread', { space: 'chat', room: 'theirs', invite: other }],
      ['joinThread', { space: 'chat', room: 'private', createPrivate: true }],
    ])
    await expect(space.joinThread('x', { ghost: true, invite: 'short' })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      message: expect.stringMatching(/option invite is not an invite.*after #/),
    })
    await expect(space.createPrivateThread('x', { invite: INVITE } as never)).rejects.toThrow(
      /makes a new invite/,
    )
    expect(ext.requests).toHaveLength(4)
    // After a restart the room made here is joined by its invite, as anyone's.
    ext.reset()
    await waitFor(() => ext.requests.length === 7, { what: 'three joins again' })
    expect(ext.requests.slice(4)).toContainEqual([
      'joinThread',
      { space: 'chat', room: 'plans', invite: INVITE, ghostBacklogLimit: 5 },
    ])
  })

  it('rotateInvite: options checked in the page; the new invite, and a moved room, update thread.invite', async () => {
    const ext = fakeExtension()
    const NEXT = INVITE.replace('q0', 'z9')
    ext.answers.rotateInvite = () => NEXT
    const provider = new GhostThreadsProvider(ext.transport)
    const { thread } = await (await provider.openSpace('chat')).createPrivateThread('plans')
    await nextTurn()
    await expect(thread.rotateInvite({ keep: [] } as never)).rejects.toThrow(
      /rotateInvite does not take keep: its only option is remove/,
    )
    await expect(thread.rotateInvite({ remove: ['bob'] })).rejects.toThrow(/list of member DIDs/)
    expect(await thread.rotateInvite({ remove: [OTHER] })).toBe(NEXT)
    expect(ext.requests.at(-1)).toEqual(['rotateInvite', { remove: [OTHER], thread: H1 }])
    expect(thread.invite).toBe(NEXT)
    // Moved by the creator elsewhere: the page hears the new invite.
    const heard: string[] = []
    thread.on('moved', (invite) => heard.push(invite))
    const LATER = INVITE.replace('q0', 'y8')
    ext.emit([{ thread: H1, kind: 'moved', invite: LATER }])
    expect([heard, thread.invite]).toEqual([[LATER], LATER])
  })

  it('joins again after a reset and keeps the same thread object and listeners', async () => {
    const { ext, thread } = await joined()
    const seen: unknown[] = []
    thread.on('message', (p) => seen.push(p.message))
    ext.reset()
    await nextTurn()
    await nextTurn()
    expect(ext.requests.at(-1)).toEqual([
      'joinThread',
      { space: 'chat', room: 'lobby', ghostBacklogLimit: 20 },
    ])
    ext.emit([{ thread: H1, kind: 'message', post: post('old handle', DID) }])
    ext.emit([{ thread: H2, kind: 'message', post: post('new handle', DID) }])
    expect(seen).toEqual(['new handle'])
    await thread.post('after')
    expect(ext.requests.at(-1)).toEqual(['post', { message: 'after', thread: H2 }])
  })

  it('holds events the host sent before the join was answered, and hands them over once the dapp listens', async () => {
    const ext = fakeExtension()
    const provider = new GhostThreadsProvider(ext.transport)
    const space = await provider.openSpace('chat')
    // A room another tab holds: the host greets the new handle, maybe ahead of the answer.
    const answer = ext.answers.joinThread
    ext.answers.joinThread = (p) => {
      ext.emit([
        { thread: H1, kind: 'user-joined', did: OTHER },
        {
          thread: H1,
          kind: 'backlog-received',
          backlog: { type: 'backlog', message: [post('before', OTHER)] },
        },
      ])
      return answer?.(p)
    }
    const thread = await space.joinThread('lobby', {
      ghost: true,
      ghostFilters: [(p) => p.message !== 'troll'],
    })
    const seen: unknown[] = []
    thread.onNewCapabilities((event, did) => seen.push([event, did]))
    thread.onUpdate((update) => seen.push(update.type))
    ext.emit([{ thread: H1, kind: 'message', post: post('troll', OTHER) }])
    ext.emit([{ thread: H1, kind: 'message', post: post('after', OTHER) }])
    expect(seen).toEqual([])
    await nextTurn()
    expect(seen).toEqual([['joined', OTHER], 'backlog', 'chat'])
    // ghostFilters never cross to the extension: only what the wire takes goes.
    expect(ext.requests.find(([method]) => method === 'joinThread')).toEqual([
      'joinThread',
      { space: 'chat', room: 'lobby' },
    ])
  })

  it('refuses options it does not have, by name, through the promise', async () => {
    const ext = fakeExtension()
    const provider = new GhostThreadsProvider(ext.transport)
    await expect(provider.openSpace('chat', { onSyncDone: () => {} } as never)).rejects.toThrow(
      /openSpace does not take the option onSyncDone/,
    )
    const space = await provider.openSpace('chat')
    await expect(
      space.joinThread('lobby', { ghost: true, noAutoSub: true } as never),
    ).rejects.toThrow(/joinThread does not take the option noAutoSub/)
    await expect(
      space.joinThread('lobby', { ghost: true, ghostBacklogLimit: 501 }),
    ).rejects.toThrow(/ghostBacklogLimit must be a whole number from 1 to 500/)
    await expect(space.joinThread('lobby')).rejects.toMatchObject({
      name: 'UnsupportedOperationError',
    })
    expect(ext.requests.filter(([method]) => method === 'joinThread')).toEqual([])
  })

  it('reports every failure of a promise-returning method by rejecting, never by throwing (audit of the page API)', async () => {
    const { provider, space, thread } = await joined()
    // (post's message and getPosts' count are checked by the content gate, which this fake
    // extension lacks; test/e2e/page-fuzz.test.ts sends them bad ones through the real one.)
    const bad = Symbol('not an argument') as never
    const calls: [string, () => unknown][] = [
      ['provider.request', () => provider.request(bad)],
      ['provider.openSpace', () => provider.openSpace(bad, bad)],
      ['space.joinThread', () => space.joinThread(bad, bad)],
      [
        'space.linkWallet',
        () => space.linkWallet({ request: () => Promise.reject(new Error('no')) }),
      ],
      ['thread.deletePost', () => thread.deletePost(bad)],
      ['thread.addModerator', () => thread.addModerator(bad)],
      ['thread.listModerators', () => thread.listModerators()],
      ['thread.addMember', () => thread.addMember(bad)],
    ]
    for (const [name, call] of calls) {
      let result: unknown
      expect(() => {
        result = call()
      }).not.toThrow()
      expect([name, result instanceof Promise]).toEqual([name, true])
      await expect(result as Promise<unknown>).rejects.toBeDefined()
    }
    // What returns no promise may throw at once: a wrong callback is a bug to see now.
    expect(() => thread.onUpdate(bad)).toThrow(/onUpdate takes a function/)
    expect(() => thread.addFilter(bad)).toThrow(/addFilter takes a function/)
  })

  it('rejects with the 3IP-9 errors for what ghost threads cannot do (a dapp’s .catch runs), and close is final', async () => {
    const { ext, thread } = await joined()
    for (const call of [
      () => thread.deletePost('bafy'),
      () => thread.addModerator('did:key:z6Mk'),
      () => thread.listModerators(),
      () => thread.addMember('did:key:z6Mk'),
    ]) {
      const caught = await call().catch((err: unknown) => err)
      expect(caught).toMatchObject({ name: 'UnsupportedOperationError', code: 4200 })
    }
    expect(thread.isGhost).toBe(true)
    await thread.close()
    await thread.close()
    expect(ext.requests.filter(([method]) => method === 'closeThread')).toHaveLength(1)
    await expect(thread.getPosts()).rejects.toMatchObject({ name: 'ThreadClosedError' })
  })
})
