/**
 * 3box-js's own ghost-thread tests (`src/__tests__/ghost.test.js`, every version: the
 * first, filters, postId, the "last 2 posts" test it later removed, and the Ghost
 * Pinbot), ported to our API and run through real libp2p nodes and the relay process on
 * 127.0.0.1. Each asserts 3box's expectation, or ours where DESIGN.md differs on
 * purpose, with the reason in its name. Then the cases of issue 21 that 3box-era dapps
 * met on our edges: a rejoin keeps the room's history, a newcomer's own backlog limit,
 * refusals that reach a `.catch`.
 */
import { describe, expect, it } from '@jest/globals'
import {
  type BacklogEvent,
  createSeedIdentity,
  type GhostThread,
  generateSeed,
  type Post,
} from '../../src/core/index.js'
import { SpaceNetwork } from '../../src/net/space-network.js'
import { NET_TIMINGS, type NetPeer, untilMet } from '../helpers/net-peer.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { waitFor } from '../helpers/wait.js'

/** Every update onUpdate gave, in order (3box's tests listened through onUpdate). */
function updatesOf(thread: GhostThread): (Post | BacklogEvent)[] {
  const updates: (Post | BacklogEvent)[] = []
  thread.onUpdate((update) => updates.push(update))
  return updates
}

const chats = (updates: (Post | BacklogEvent)[]) =>
  updates.filter((update): update is Post => update.type === 'chat')
const backlogs = (updates: (Post | BacklogEvent)[]) =>
  updates.filter((update): update is BacklogEvent => update.type === 'backlog')
const texts = (posts: Post[]) => posts.map((post) => post.message)

describe('3box-js ghost tests, ported: real nodes through the relay process', () => {
  const net = useRelay()

  /** 3box's chat and chat2: two members who have met. */
  async function twoMet(room: string): Promise<[NetPeer, NetPeer]> {
    const chat = await net.join(room)
    const chat2 = await net.join(room)
    await untilMet(chat, chat2, { timeoutMs: 10_000, what: 'chat and chat2 to meet' })
    return [chat, chat2]
  }

  it('creates chat correctly: a ghost thread with its name, members and posts (ours: `name` is the room, `topic` the versioned 3box topic)', async () => {
    const chat = await net.join('creates')
    expect(chat.thread.isGhost).toBe(true)
    expect(chat.thread.name).toBe('creates')
    expect(chat.thread.topic).toBe('3box.chat.v2.netspace.creates')
    expect(await chat.thread.listMembers()).toEqual([chat.did])
    expect(await chat.thread.getPosts()).toEqual([])
  })

  it('should catch messages: your own post reaches your own onUpdate as a chat, and getPosts holds it', async () => {
    const chat = await net.join('own-post')
    const updates = updatesOf(chat.thread)
    await chat.thread.post('hello')
    await waitFor(() => chats(updates).length === 1, { what: 'the own post' })
    expect(chats(updates)[0]).toMatchObject({ type: 'chat', author: chat.did, message: 'hello' })
    expect(texts(await chat.thread.getPosts())).toEqual(['hello'])
  })

  it('creates second chat correctly: each lists the other (ours: user-joined passes the DID, as 3IP-9 writes it; 3box passed ("joined", did, peerId), and peer ids stay out of our API)', async () => {
    const chat = await net.join('second')
    const joined: unknown[][] = []
    chat.thread.on('user-joined', (...args) => joined.push(args))
    const capabilities: unknown[][] = []
    chat.thread.onNewCapabilities((...args) => capabilities.push(args))
    const chat2 = await net.join('second')
    await untilMet(chat, chat2, { timeoutMs: 10_000 })
    await waitFor(() => joined.length === 1 && capabilities.length === 1)
    expect(joined[0]?.[0]).toBe(chat2.did)
    expect(capabilities).toEqual([['joined', chat2.did]])
    expect(await chat.thread.listMembers()).toEqual(expect.arrayContaining([chat2.did]))
    expect(await chat2.thread.listMembers()).toEqual(expect.arrayContaining([chat.did]))
  })

  it('chat2 should catch broadcasts from chat: onUpdate gets the chat; getPosts ends with it, with postId and timestamp', async () => {
    const [chat, chat2] = await twoMet('broadcast')
    const updates = updatesOf(chat2.thread)
    await chat.thread.post('wide')
    await waitFor(() => chats(updates).length === 1, { what: 'the broadcast' })
    expect(chats(updates)[0]).toMatchObject({ type: 'chat', author: chat.did, message: 'wide' })
    const post = (await chat2.thread.getPosts()).pop()
    expect(post).toMatchObject({ type: 'chat', author: chat.did, message: 'wide' })
    expect(post).toHaveProperty('postId')
    expect(post).toHaveProperty('timestamp')
  })

  it('chat2 should catch peer dms from chat — ours refuses a peer id by name, through the promise (DESIGN: peer ids stay out of the API; a DM goes to a DID)', async () => {
    const [chat, chat2] = await twoMet('peer-dm')
    const peerId = chat2.node.libp2p.peerId.toString()
    const caught = await chat.thread.post('direct peer', peerId).catch((err: unknown) => err)
    expect(caught).toMatchObject({ name: 'InvalidArgumentError' })
    expect((caught as Error).message).toMatch(/peer ids are not accepted/)
  })

  it('chat2 should catch 3id dms from chat: it arrives marked `to` (ours keeps DMs out of every backlog, so getPosts does not hold it)', async () => {
    const [chat, chat2] = await twoMet('did-dm')
    const updates = updatesOf(chat2.thread)
    await chat.thread.post('direct 3id', chat2.did)
    await waitFor(() => chats(updates).length === 1, { what: 'the DM' })
    expect(chats(updates)[0]).toMatchObject({
      type: 'chat',
      author: chat.did,
      message: 'direct 3id',
      to: chat2.did,
    })
    expect(texts(await chat2.thread.getPosts())).not.toContain('direct 3id')
  })

  it('should request backlog from chat2: the backlog event and _requestBacklog hold what chat2 holds', async () => {
    const [chat, chat2] = await twoMet('request')
    for (const text of ['wide', 'wider']) await chat2.thread.post(text)
    await waitFor(async () => (await chat.thread.getPosts()).length === 2)
    const updates = updatesOf(chat.thread)
    const backlog = await chat.thread._requestBacklog()
    const held = await chat2.thread.getPosts()
    await waitFor(() => backlogs(updates).length === 1, { what: 'the backlog event' })
    expect(backlogs(updates)[0]?.message).toEqual(held)
    expect(backlog).toEqual(held)
  })

  it('should get last 2 posts (the test 3box removed): getPosts(2) is the newest two of getPosts()', async () => {
    const [chat, chat2] = await twoMet('last-two')
    for (const text of ['one', 'two', 'three']) await chat.thread.post(text)
    await waitFor(async () => (await chat2.thread.getPosts()).length === 3)
    const all = await chat2.thread.getPosts()
    const lastTwo = await chat2.thread.getPosts(2)
    expect(lastTwo).toHaveLength(2)
    expect(all).toEqual(expect.arrayContaining(lastTwo))
    expect(texts(lastTwo)).toEqual(['two', 'three'])
  })

  it('ghost filter tests: chat3 joined with ghostFilters never shows chat’s posts, live or from the backlog (ours filters posts only: chat3 still lists chat, whose join 3box’s filter hid too)', async () => {
    const chat = await net.join('filters')
    await chat.thread.post('before chat3')
    const chat3 = await net.join('filters', {
      options: { ghostFilters: [(_post, issuer) => issuer !== chat.did] },
    })
    const joined: string[] = []
    chat.thread.on('user-joined', (did) => joined.push(did))
    await waitFor(() => chat.events.joined.includes(chat3.did), { timeoutMs: 10_000 })
    await chat.thread.post('wide')
    await chat3.thread.post('from chat3')
    await waitFor(async () => texts(await chat.thread.getPosts()).includes('from chat3'))
    await waitFor(() => chat3.events.backlogs.length > 0, { what: 'chat3’s backlog' })
    const posts = await chat.thread.getPosts()
    const posts3 = await chat3.thread.getPosts()
    expect(posts).not.toEqual(posts3)
    expect(texts(posts3)).toEqual(['from chat3'])
    expect(chat3.events.allTexts()).toEqual(['from chat3'])
    await waitFor(async () => (await chat3.thread.listMembers()).includes(chat.did), {
      what: 'chat3 to list chat',
    })
  })

  it('Ghost Pinbot: a lone joiner whose relay answers (our pinbot) gets its backlog update, empty (ours: listMembers lists yourself first; 3box’s [] left you out)', async () => {
    const chat4 = await net.join('pinbot')
    const updates = updatesOf(chat4.thread)
    await waitFor(() => chat4.events.backlogs.length === 1, { what: 'the empty backlog update' })
    expect(chat4.events.backlogs).toEqual([[]])
    // Registered after the join, onUpdate may have missed it; asking again brings another.
    const asked = await chat4.thread._requestBacklog()
    expect(asked).toEqual([])
    await waitFor(() => backlogs(updates).length >= 1)
    expect(backlogs(updates).at(-1)).toEqual({ type: 'backlog', message: [] })
    expect((backlogs(updates).at(-1) as { author?: unknown }).author).toBeUndefined()
    expect(await chat4.thread.listMembers()).toEqual([chat4.did])
  })
})

describe('issue 21: what 3box-era dapps met on our edges, through real nodes and the relay process', () => {
  const net = useRelay()

  it('a rejoin on the same node keeps the room’s history: close(), joinThread() again, and bob’s posts come back as backlog', async () => {
    const [alice, bob] = [await net.join('rejoin'), await net.join('rejoin')]
    await untilMet(alice, bob, { timeoutMs: 10_000 })
    for (const text of ['b1', 'b2', 'b3']) await bob.thread.post(text)
    await waitFor(async () => (await alice.thread.getPosts()).length === 3)
    await alice.thread.close()
    // The same node, its receipt rules still holding every jti it saw (130 s window).
    const space = await alice.node.ghost.openSpace('netspace')
    const again = await space.joinThread('rejoin', { ghost: true })
    const backlog: Post[][] = []
    const messages: Post[] = []
    again.on('backlog-received', ({ message }) => backlog.push(message))
    again.on('message', (post) => messages.push(post))
    await waitFor(async () => (await again.getPosts()).length === 3, {
      timeoutMs: 10_000,
      what: 'the history after the rejoin',
    })
    expect(texts(await again.getPosts())).toEqual(['b1', 'b2', 'b3'])
    await waitFor(() => backlog.flat().length === 3, { what: 'the backlog event' })
    expect(texts(backlog.flat())).toEqual(['b1', 'b2', 'b3'])
    expect(messages).toEqual([])
    expect(await again.listMembers()).toContain(bob.did)
  })

  it('a rejoin after the space’s node stopped (a fresh node, a new peer id) keeps the history too', async () => {
    const bob = await net.join('rejoin-fresh')
    const network = new SpaceNetwork({
      relays: [net.relay.address],
      identity: createSeedIdentity(generateSeed()),
      webrtc: false,
      timings: NET_TIMINGS,
      idleStopMs: 100,
    })
    try {
      const space = await network.openSpace('netspace')
      const first = await space.joinThread('rejoin-fresh', { ghost: true })
      await waitFor(async () => (await first.listMembers()).includes(bob.did), {
        timeoutMs: 10_000,
      })
      for (const text of ['b1', 'b2']) await bob.thread.post(text)
      await waitFor(async () => (await first.getPosts()).length === 2)
      const firstPeer = network.nodes().get('netspace')?.libp2p.peerId.toString()
      await first.close()
      await waitFor(() => network.nodes().size === 0, { what: 'the idle node to stop' })
      const again = await space.joinThread('rejoin-fresh', { ghost: true })
      expect(network.nodes().get('netspace')?.libp2p.peerId.toString()).not.toBe(firstPeer)
      await waitFor(async () => (await again.getPosts()).length === 2, {
        timeoutMs: 10_000,
        what: 'the history on the fresh node',
      })
      expect(texts(await again.getPosts())).toEqual(['b1', 'b2'])
    } finally {
      await network.stop()
    }
  })

  it('a newcomer with ghostBacklogLimit 3 holds and is handed only the newest 3, oldest first, none of them as live messages', async () => {
    const member = await net.join('limits', { options: { ghostBacklogLimit: 3 } })
    const relayId = net.relay.address.split('/p2p/')[1] as string
    await waitFor(() => member.node.transport.subscribers(member.thread.topic).includes(relayId), {
      what: 'the relay to serve the room',
    })
    let lastS = 0
    for (let i = 1; i <= 5; i++) {
      await member.thread.post(`m${i}`)
      lastS = Math.floor(Date.now() / 1000)
    }
    // A second later, and no more: gossipsub's message cache still holds them for a
    // newcomer (its gossip window is 3 heartbeats), and they are dated before its join.
    await waitFor(() => Math.floor(Date.now() / 1000) > lastS, { what: 'the next second' })
    const newcomer = await net.join('limits', { options: { ghostBacklogLimit: 3 } })
    await waitFor(async () => (await newcomer.thread.getPosts()).length === 3, {
      timeoutMs: 10_000,
      what: 'the newcomer’s backlog',
    })
    await waitFor(() => newcomer.events.backlogs.length > 0)
    expect(texts(await newcomer.thread.getPosts())).toEqual(['m3', 'm4', 'm5'])
    expect(newcomer.events.messages).toEqual([])
    const handed = newcomer.events.backlogs.flat()
    expect(handed.length).toBeLessThanOrEqual(3)
    expect(texts(handed)).toEqual(['m3', 'm4', 'm5'].slice(3 - handed.length))
    // Asked again, the relay's 50 are cut to the newcomer's 3 too.
    expect(texts(await newcomer.thread._requestBacklog())).toEqual(['m3', 'm4', 'm5'])
  })

  it('the operations ghost threads lack reject, so a dapp’s .catch runs (3box’s were async)', async () => {
    const chat = await net.join('refusals')
    const caught: string[] = []
    await chat.thread.addModerator(chat.did).catch((err: Error) => caught.push(err.name))
    await chat.thread.listModerators().catch((err: Error) => caught.push(err.name))
    await chat.thread.addMember(chat.did).catch((err: Error) => caught.push(err.name))
    await chat.thread.deletePost('bafy').catch((err: Error) => caught.push(err.name))
    expect(caught).toEqual(Array(4).fill('UnsupportedOperationError'))
    // The thread goes on.
    await chat.thread.post('still here')
    expect(texts(await chat.thread.getPosts())).toEqual(['still here'])
  })
})
