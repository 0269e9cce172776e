/**
 * A raw gossipsub node — plain libp2p and @libp2p/gossipsub, none of our code — joins a
 * room's topic through the relay process and publishes forged and misplaced JWTs. The
 * relay must refuse them (and count them), never forward them, and no peer's `message`
 * fires. A correctly signed message from the same node gets through, so the refusals are
 * the receipt rules at work, not a broken path.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { MAX_CLOCK_SKEW_S } from '../../src/core/constants.js'
import { claims, edKey, forge } from '../helpers/jwt-forge.js'
import { untilMet } from '../helpers/net-peer.js'
import { type RawNode, rawNodeInRoom } from '../helpers/raw-node.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { sleep, waitFor } from '../helpers/wait.js'

const utf8 = new TextEncoder()

describe('a raw gossipsub node publishing forged JWTs', () => {
  const net = useRelay()
  let raw: RawNode | undefined

  afterAll(async () => {
    await raw?.stop()
  })

  it('is refused by the relay, not forwarded, and fires no message', async () => {
    const alice = await net.join('guarded')
    const bob = await net.join('guarded')
    await waitFor(() => alice.events.joined.includes(bob.did), { timeoutMs: 10_000 })

    const topic = alice.thread.topic
    raw = await rawNodeInRoom(net.relay.address, topic)
    const node = raw

    const mallory = edKey()
    const victim = edKey()
    const impersonation = forge(mallory, claims(mallory, 'chat', topic, { iss: victim.did }))
    const otherRoom = forge(mallory, claims(mallory, 'chat', '3box.chat.v2.netspace.elsewhere'))
    const notAJwt = 'not a jwt at all'
    for (const payload of [impersonation, otherRoom, notAJwt])
      await node.services.pubsub.publish(topic, utf8.encode(payload))
    const honest = forge(mallory, claims(mallory, 'chat', topic, { message: 'signed right' }))
    await node.services.pubsub.publish(topic, utf8.encode(honest))

    await waitFor(() => alice.events.texts().includes('signed right'), {
      timeoutMs: 5_000,
      what: 'the correctly signed control message',
    })
    await waitFor(() => bob.events.texts().includes('signed right'), { timeoutMs: 5_000 })
    const rejected = (reason: string) =>
      net.relay.metric(`ghost_relay_messages_total{verdict="reject",reason="${reason}"}`)
    // The relay validates concurrently: a refusal may be counted after the control arrived.
    await waitFor(async () => (await rejected('bad-signature')) === 1, { what: 'bad-signature' })
    expect(await rejected('wrong-room')).toBe(1)
    expect(await rejected('malformed-jwt')).toBe(1)
    expect(
      await net.relay.metric('ghost_relay_messages_total{verdict="accept",reason="ok"}'),
    ).toBeGreaterThan(0)
    await sleep(300)
    for (const peer of [alice, bob]) {
      expect(peer.events.texts()).toEqual(['signed right'])
      // The relay dropped the forgeries: they never reached a peer's validator.
      expect(peer.refusals.filter((reason) => !reason.endsWith(':duplicate'))).toEqual([])
    }
  }, 40_000)
})

describe('posts dated ahead of the clock, through the relay', () => {
  const net = useRelay()
  let raw: RawNode | undefined

  afterAll(async () => {
    await raw?.stop()
  })

  it('do not silence the room: a later honest post reaches everyone and is kept', async () => {
    const alice = await net.join('ahead')
    const bob = await net.join('ahead')
    await untilMet(alice, bob, { timeoutMs: 10_000 })
    const topic = alice.thread.topic
    raw = await rawNodeInRoom(net.relay.address, topic)
    const node = raw

    // Fifty posts (one DID, within its burst) dated just inside the allowed skew.
    const mallory = edKey()
    const aheadS = Math.floor(Date.now() / 1000) + MAX_CLOCK_SKEW_S - 1
    for (let i = 0; i < 50; i++) {
      const jwt = forge(
        mallory,
        claims(mallory, 'chat', topic, { message: `ahead ${i}`, iat: aheadS }),
      )
      await node.services.pubsub.publish(topic, utf8.encode(jwt))
    }
    await waitFor(
      () => bob.events.texts().filter((text) => String(text).startsWith('ahead')).length === 50,
      {
        timeoutMs: 10_000,
        what: 'the 50 posts dated ahead to reach bob',
      },
    )
    await alice.thread.post('still here')
    await waitFor(() => bob.events.texts().includes('still here'), {
      timeoutMs: 5_000,
      what: "alice's post after them",
    })
    const held = (await bob.thread.getPosts()).map((post) => post.message)
    expect(held.at(-1)).toBe('still here')
  }, 40_000)
})
