/**
 * Floods through the relay process, from raw gossipsub nodes (plain libraries, none of our
 * code). A peer sending forged messages must lose its place: pruned from the relay's mesh,
 * then graylisted (everything it sends dropped unread, a correctly signed message too),
 * while honest members keep talking. A peer sending valid messages from many fresh DIDs is
 * held to the per-peer limit by the relay itself, and no browser-side peer refuses an
 * honest message because its relay carried the flood (issue 12, item 5). A flood of joins
 * is listed only as fast as a room's newcomer budget allows (item 4).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { NEWCOMER_RATE, PEER_RATE_LIMIT } from '../../src/core/constants.js'
import { RELAY_AGENT_PREFIX } from '../../src/net/constants.js'
import { b64, claims, edKey, forge } from '../helpers/jwt-forge.js'
import { untilMet } from '../helpers/net-peer.js'
import { meshPeersOf, type RawNode, rawNodeInRoom } from '../helpers/raw-node.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { sleep, untilSteady, waitFor } from '../helpers/wait.js'

const utf8 = new TextEncoder()
/** The bar: a forged-signature flood gets its sender pruned within this. */
const PRUNED_WITHIN_MS = 10_000

/** Chat JWTs with a signature that belongs to another payload: cheap to make by the thousand. */
function badSignatures(topic: string): () => Uint8Array {
  const mallory = edKey()
  const signatureOfAnother = forge(mallory, claims(mallory, 'chat', topic)).split('.')[2]
  const header = b64({ typ: 'JWT', alg: 'EdDSA' })
  return () => utf8.encode(`${header}.${b64(claims(mallory, 'chat', topic))}.${signatureOfAnother}`)
}

describe('a peer flooding forged signatures', () => {
  const net = useRelay()
  let raw: RawNode | undefined

  afterAll(async () => {
    await raw?.stop()
  })

  it('is pruned and graylisted by the relay while honest members keep talking', async () => {
    const alice = await net.join('flooded')
    const bob = await net.join('flooded')
    await untilMet(alice, bob, { timeoutMs: 10_000 })
    const topic = alice.thread.topic
    raw = await rawNodeInRoom(net.relay.address, topic)
    const node = raw
    const relayId = net.relay.address.split('/p2p/')[1] as string
    expect(meshPeersOf(node.services.pubsub, topic)).toContain(relayId)

    const forged = badSignatures(topic)
    const rejected = () =>
      net.relay.metric('ghost_relay_messages_total{verdict="reject",reason="bad-signature"}')
    const graylisted = () => net.relay.metric('ghost_relay_penalized_peers{standing="graylisted"}')
    // About 1,000 forged messages a second until the relay graylists the sender (bounded).
    const started = Date.now()
    let honestSent = 0
    while (Date.now() - started < PRUNED_WITHIN_MS && (await graylisted()) === 0) {
      for (let i = 0; i < 100; i++) await node.services.pubsub.publish(topic, forged())
      if (honestSent < 10) await alice.thread.post(`during the flood ${honestSent++}`)
      await sleep(100)
    }
    const graylistedAfterMs = Date.now() - started
    expect(graylistedAfterMs).toBeLessThan(PRUNED_WITHIN_MS)
    expect(await rejected()).toBeGreaterThan(0)
    expect(await net.relay.metric('ghost_relay_penalized_peers{standing="pruned"}')).toBe(1)
    // The relay told it so: at the next heartbeat it pruned the sender from its mesh.
    await waitFor(() => !meshPeersOf(node.services.pubsub, topic).includes(relayId), {
      timeoutMs: 3_000,
      what: "the relay's PRUNE to reach the flooder",
    })

    // Graylisted: what it sends now is dropped unread. No more validations are spent on it.
    const rejectedBefore = await rejected()
    for (let i = 0; i < 200; i++) await node.services.pubsub.publish(topic, forged())
    const mallory = edKey()
    const signedRight = forge(
      mallory,
      claims(mallory, 'chat', topic, { message: 'from the flooder' }),
    )
    await node.services.pubsub.publish(topic, utf8.encode(signedRight))
    // Honest members are heard as before, during the flood and after it.
    await bob.thread.post('after the flood')
    await waitFor(() => alice.events.texts().includes('after the flood'), {
      timeoutMs: 5_000,
      what: "bob's post after the flood",
    })
    await waitFor(
      () => bob.events.texts().filter((t) => String(t).startsWith('during')).length === honestSent,
      {
        timeoutMs: 5_000,
        what: "alice's posts made during the flood",
      },
    )
    await sleep(1_000)
    expect(await rejected()).toBe(rejectedBefore)
    expect(alice.events.texts()).not.toContain('from the flooder')
    expect(bob.events.texts()).not.toContain('from the flooder')
    for (const peer of [alice, bob])
      expect(peer.refusals.filter((reason) => reason.includes('bad-signature'))).toEqual([])
  }, 60_000)
})

describe('a peer flooding valid messages from fresh DIDs', () => {
  const net = useRelay()
  let raw: RawNode | undefined

  afterAll(async () => {
    await raw?.stop()
  })

  it('is held to the per-peer limit at the relay; members refuse nothing honest', async () => {
    const alice = await net.join('busy')
    const bob = await net.join('busy')
    await untilMet(alice, bob, { timeoutMs: 10_000 })
    const topic = alice.thread.topic
    // It even says it is a relay: only relays the operator listed are spared the limit.
    raw = await rawNodeInRoom(net.relay.address, topic, { userAgent: `${RELAY_AGENT_PREFIX}1` })
    const node = raw

    // Three times the relay's per-peer burst, ten from each fresh DID (within its own
    // limit): valid messages, all signed, sent as fast as the raw node can.
    const total = PEER_RATE_LIMIT.burst * 3
    const messages: Uint8Array[] = []
    for (let d = 0; d < total / 10; d++) {
      const key = edKey()
      for (let i = 0; i < 10; i++)
        messages.push(
          utf8.encode(forge(key, claims(key, 'chat', topic, { message: `flood ${d}.${i}` }))),
        )
    }
    const started = Date.now()
    for (const message of messages) await node.services.pubsub.publish(topic, message)

    const limited = () =>
      net.relay.metric('ghost_relay_messages_total{verdict="ignore",reason="rate-limited-peer"}')
    await waitFor(async () => (await limited()) > 0, {
      timeoutMs: 5_000,
      what: 'the per-peer limit',
    })
    await bob.thread.post('heard over the flood')
    await waitFor(() => alice.events.texts().includes('heard over the flood'), {
      timeoutMs: 5_000,
      what: "bob's post after the flood",
    })
    const accepted = alice.events.texts().filter((t) => String(t).startsWith('flood')).length
    // At most the burst and what refilled since the first was sent: a busy relay is still
    // validating the queue after the sender is done, and refilling meanwhile.
    const sinceFirstS = (Date.now() - started) / 1000
    const allowed = PEER_RATE_LIMIT.burst + PEER_RATE_LIMIT.perSecond * sinceFirstS
    expect(accepted).toBeLessThanOrEqual(allowed)
    expect(accepted).toBeLessThan(total)
    expect(accepted).toBeGreaterThan(0)
    // Before, each member limited its relay connection as one peer, and refused honest
    // messages once a flood had passed through it.
    for (const peer of [alice, bob])
      expect(peer.refusals.filter((reason) => reason.includes('rate-limited'))).toEqual([])
  }, 60_000)
})

describe('a flood of joins from fresh DIDs', () => {
  const net = useRelay()
  const raws: RawNode[] = []

  afterAll(async () => {
    await Promise.all(raws.map((node) => node.stop()))
  })

  it("lists newcomers only within the room's budget, live and in its join's follow-ups", async () => {
    const joinStarted = Date.now()
    const alice = await net.join('joined-en-masse')
    const topic = alice.thread.topic
    // More joins than the budget holds by alice's last follow-up (8 s after her join:
    // 500 + 50/s), landing before it, so that it finds hundreds the live budget left out.
    // Its answer listed them all before (1,000 of 1,000 in a loaded run, issue 22). Three
    // connections, each paced within the relay's per-peer limit, so it forwards every one.
    const senders = 3
    const perSender = 600
    raws.push(
      ...(await Promise.all(
        Array.from({ length: senders }, () => rawNodeInRoom(net.relay.address, topic)),
      )),
    )
    const joins = Array.from({ length: senders * perSender }, (_, i) => {
      const key = edKey()
      const peer = `12D3KooWFakePeer${String(i).padStart(8, '0')}`
      return utf8.encode(forge(key, claims(key, 'join', topic, { peer })))
    })
    await Promise.all(
      raws.map(async (node, n) => {
        const own = joins.slice(n * perSender, (n + 1) * perSender)
        for (let i = 0; i < own.length; i += 50) {
          for (const join of own.slice(i, i + 50)) await node.services.pubsub.publish(topic, join)
          await sleep(250)
        }
      }),
    )
    const accepted = () =>
      net.relay.metric('ghost_relay_messages_total{verdict="accept",reason="ok"}')
    await waitFor(async () => (await accepted()) >= joins.length, {
      timeoutMs: 15_000,
      what: 'the relay to forward every join',
    })
    // Alice's two follow-ups ("who came since my join?") are answered...
    await waitFor(
      async () =>
        (await net.relay.metric('ghost_relay_backlog_answers_total{question="latecomers"}')) >= 2,
      { timeoutMs: 30_000, intervalMs: 200, what: "alice's follow-ups to be answered" },
    )
    // ...and taken in: her list stops growing (each answer is verified as a whole).
    const listed = await untilSteady(async () => (await alice.thread.listMembers()).length - 1, {
      quietMs: 1_000,
      timeoutMs: 15_000,
      intervalMs: 250,
      what: "alice's member list to settle",
    })
    const elapsedS = (Date.now() - joinStarted) / 1000
    const budget = NEWCOMER_RATE.burst + NEWCOMER_RATE.perSecond * (elapsedS + 1)
    expect(alice.events.joined.length).toBe(listed)
    expect(listed).toBeLessThanOrEqual(budget)
    expect(listed).toBeLessThan(joins.length)
    expect(listed).toBeGreaterThanOrEqual(NEWCOMER_RATE.burst)
  }, 90_000)
})
