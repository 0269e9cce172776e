/**
 * Typing, reactions and seen marks between real peers through the relay process (issue
 * 24): three members type, react and see; a late joiner gets the reaction counts with the
 * backlog (from the relay, which vouches for the room); no typing or seen mark is in any
 * backlog answer, relay or member, nor in the relay's directory or output.
 */
import { dirname } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import {
  BACKLOG_PROTOCOL,
  createSeedIdentity,
  decodeCompactJwt,
  generateSeed,
  type Post,
  signClaims,
} from '../../src/core/index.js'
import { sendRequest } from '../../src/net/stream-request.js'
import { textFoundOnDisk } from '../e2e/profile-scan.js'
import { type NetPeer, untilMet } from '../helpers/net-peer.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { waitFor } from '../helpers/wait.js'

/** The types of the entries `from` answers a fresh backlog request with. */
async function answerTypes(asker: NetPeer, topic: string, to: string): Promise<string[]> {
  const signer = await createSeedIdentity(generateSeed()).signerForSpace('netspace')
  const { jwt } = await signClaims(signer, { type: 'request_backlog', room: topic }, Date.now())
  const bytes = await sendRequest(
    asker.node.libp2p,
    [multiaddr(to)],
    BACKLOG_PROTOCOL,
    new TextEncoder().encode(jwt),
  )
  const answer = JSON.parse(new TextDecoder().decode(bytes)) as { entries: string[] }
  return answer.entries.map((entry) => {
    const decoded = decodeCompactJwt(entry)
    return 'payload' in decoded ? String((decoded.payload as { type: unknown }).type) : 'bad'
  })
}

describe('live signals through the relay process', () => {
  const net = useRelay({ args: ['--history-warmup-seconds', '0'] })

  it('three members type, react and see; a late joiner gets the counts; no signal is kept', async () => {
    const alice = await net.join('alive')
    const bob = await net.join('alive')
    const carol = await net.join('alive')
    await untilMet(alice, bob, { timeoutMs: 15_000 })
    await untilMet(alice, carol, { timeoutMs: 15_000 })
    await untilMet(bob, carol, { timeoutMs: 15_000 })

    const typingAt = (peer: NetPeer) => {
      const heard: string[] = []
      peer.thread.on('typing', (did, typing) =>
        heard.push(`${did === alice.did ? 'alice' : did} ${typing}`),
      )
      return heard
    }
    const atBob = typingAt(bob)
    const atCarol = typingAt(carol)
    expect(await alice.thread.typing()).toBe(true)
    await waitFor(() => atBob.length > 0 && atCarol.length > 0, { what: 'alice typing, told' })
    expect([atBob, atCarol]).toEqual([['alice true'], ['alice true']])

    const postId = await alice.thread.post('react and see')
    await waitFor(() => atBob.includes('alice false') && atCarol.includes('alice false'), {
      what: "alice's post to end her typing",
    })
    await waitFor(
      () => [bob, carol].every((peer) => peer.events.texts().includes('react and see')),
      { what: 'the post at bob and carol' },
    )
    await bob.thread.react(postId, '🦄')
    await carol.thread.react(postId, '🦄')
    await carol.thread.react(postId, '🙏')
    // Each reaction is checked on its own as it comes: carol's 🙏 may come after both 🦄.
    await waitFor(
      () => alice.thread.reactionsOf(postId).reduce((sum, { count }) => sum + count, 0) === 3,
      { what: 'alice to count all three reactions' },
    )
    expect(alice.thread.reactionsOf(postId).map(({ emoji, count }) => [emoji, count])).toEqual([
      ['🦄', 2],
      ['🙏', 1],
    ])
    const post = (await alice.thread.getPosts()).find((p) => p.postId === postId) as Post
    await waitFor(() => alice.thread.seenBy(post) === 2, {
      timeoutMs: 10_000,
      what: 'bob and carol to say they saw it',
    })
    // Typing and a seen mark again, so that they would be in any answer that kept them.
    expect(await bob.thread.typing()).toBe(true)

    const dave = await net.join('alive')
    await waitFor(() => dave.thread.reactionsOf(postId).length === 2, {
      timeoutMs: 15_000,
      what: 'dave to get the counts with the backlog',
    })
    expect(dave.thread.reactionsOf(postId)[0]).toEqual({
      emoji: '🦄',
      count: 2,
      dids: expect.arrayContaining([bob.did, carol.did]),
    })
    expect(dave.events.backlogs.flat().map((p) => p.postId)).toContain(postId)

    const relayTypes = await answerTypes(dave, alice.thread.topic, net.relay.address)
    expect(relayTypes).toEqual(expect.arrayContaining(['chat', 'react', 'presence']))
    const aliceAddress = `${net.relay.address}/p2p-circuit/p2p/${alice.node.libp2p.peerId}`
    const memberTypes = await answerTypes(dave, alice.thread.topic, aliceAddress)
    expect(memberTypes).toEqual(expect.arrayContaining(['chat', 'react']))
    for (const types of [relayTypes, memberTypes]) {
      expect(types).not.toContain('typing')
      expect(types).not.toContain('seen')
    }
    const onDisk = await textFoundOnDisk([dirname(net.relay.keyFile)], ['🦄', postId, 'react'])
    expect(onDisk).toEqual([])
    expect(net.relay.output).not.toMatch(/🦄|typing|seen/)
  }, 90_000)

  it('tells the member count as people come and go', async () => {
    const first = await net.join('counted')
    const counts: number[] = []
    first.thread.on('members', (count) => counts.push(count))
    const others = await Promise.all([net.join('counted'), net.join('counted')])
    await waitFor(() => counts.at(-1) === 3, { timeoutMs: 15_000, what: 'three counted' })
    expect(await first.thread.memberCount()).toBe(3)
    await others[0]?.thread.close()
    await waitFor(() => counts.at(-1) === 2, { timeoutMs: 15_000, what: 'two again' })
    expect(await first.thread.memberCount()).toBe(2)
  }, 60_000)
})
