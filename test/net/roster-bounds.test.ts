/**
 * Issue 22: what a relay holds for a room's roster is bounded in bytes. Member claims are
 * not strict (a newer release may add fields), so padding made each presence up to the
 * 16 KiB of any JWT, and one DID could claim a fresh peer in every presence: a raw node
 * sending either to the relay process, and a newcomer asking the relay for the roster.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { MAX_MEMBER_CLAIM_BYTES, MAX_PEERS_PER_DID } from '../../src/core/constants.js'
import { claims, edKey, forge } from '../helpers/jwt-forge.js'
import { type RawNode, rawNodeInRoom } from '../helpers/raw-node.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { waitFor } from '../helpers/wait.js'

const utf8 = new TextEncoder()

describe('a room’s roster at the relay process', () => {
  const net = useRelay()
  const raws: RawNode[] = []

  afterAll(async () => {
    await Promise.all(raws.map((raw) => raw.stop()))
  })

  it('refuses presences padded past MAX_MEMBER_CLAIM_BYTES, and lists one DID on at most MAX_PEERS_PER_DID peers', async () => {
    const member = await net.join('roster')
    const topic = member.thread.topic
    const raw = await rawNodeInRoom(net.relay.address, topic)
    raws.push(raw)
    const oversized = () =>
      net.relay.metric('ghost_relay_messages_total{verdict="reject",reason="oversized"}')
    const before = await oversized()
    const padders = Array.from({ length: 10 }, () => edKey())
    for (const key of padders) {
      const padded = forge(
        key,
        claims(key, 'presence', topic, { padding: 'p'.repeat(MAX_MEMBER_CLAIM_BYTES) }),
      )
      await raw.services.pubsub.publish(topic, utf8.encode(padded))
    }
    await waitFor(async () => (await oversized()) - before >= padders.length, {
      what: 'the relay to refuse every padded presence',
    })

    // One DID, a new peer in every presence: the relay keeps MAX_PEERS_PER_DID of them.
    const many = edKey()
    const peers = Array.from({ length: MAX_PEERS_PER_DID * 3 }, (_, i) =>
      `12D3KooW${String(i).padStart(44, 'x')}`.slice(0, 52),
    )
    for (const peer of peers)
      await raw.services.pubsub.publish(
        topic,
        utf8.encode(forge(many, claims(many, 'presence', topic, { peer }))),
      )
    await waitFor(() => member.events.joined.includes(many.did), { what: 'the member to list it' })
    // A newcomer learns the roster from the relay's answer.
    const newcomer = await net.join('roster')
    await waitFor(async () => (await newcomer.thread.listMembers()).includes(many.did), {
      timeoutMs: 10_000,
      what: 'the newcomer to learn of it from the relay',
    })
    const routes = newcomer.thread.memberPeers().filter((route) => peers.includes(route.peer))
    expect(routes.length).toBeGreaterThan(0)
    expect(routes.length).toBeLessThanOrEqual(MAX_PEERS_PER_DID)
    for (const padder of padders)
      expect(await newcomer.thread.listMembers()).not.toContain(padder.did)
    // What the relay holds for rosters is counted, and within what it lists.
    const held = await net.relay.metric('ghost_relay_held_roster_bytes')
    expect(held).toBeGreaterThan(0)
    expect(held).toBeLessThanOrEqual((3 + MAX_PEERS_PER_DID) * MAX_MEMBER_CLAIM_BYTES)
  }, 60_000)
})
