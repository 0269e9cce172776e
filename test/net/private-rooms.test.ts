/**
 * Private rooms through the real path (issue 25): the relay process, real libp2p peers
 * over 127.0.0.1, and raw gossipsub nodes of plain libraries as outsiders. Members chat as
 * in a public room; the relay's heap, its log and its /metrics, and a raw node subscribed
 * to the opaque topic, hold no room or space name, DID or text; an outsider who knows the
 * topic gets nothing past the relay; a newcomer catches up from envelopes the relay kept;
 * a member offline during a rotation is moved on by the creator when it comes back.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  createSeedIdentity,
  ENVELOPE_BUCKETS,
  type GhostThread,
  generateSeed,
  signClaims,
} from '../../src/core/index.js'
import { inviteSecret, newInvite, privateRoomKeys, seal } from '../../src/core/private-room.js'
import { encodeUtf8 } from '../../src/core/utf8.js'
import { CREATOR } from '../helpers/invites.js'
import { type NetPeer, startNetPeer, stopAll, untilMet } from '../helpers/net-peer.js'
import { type RawNode, rawNodeInRoom } from '../helpers/raw-node.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { EventLog } from '../helpers/room.js'
import { waitFor } from '../helpers/wait.js'

const SPACE = 'quokka-orchard-space'
const ROOM = 'heron-lantern-room'
const TEXTS = ['the quince is ripe at dawn', 'bring the copper kettle']

let relay: RelayProcess
const peers: NetPeer[] = []
const raws: RawNode[] = []
afterAll(async () => {
  await Promise.all(raws.map((raw) => raw.stop()))
  await stopAll(peers)
  expect(await relay?.stop()).toBe(0)
})

async function member(invite: string, room = ROOM, seed?: Uint8Array): Promise<NetPeer> {
  const peer = await startNetPeer({
    relays: [relay.address],
    space: SPACE,
    room,
    options: { invite },
    ...(seed === undefined ? {} : { seed }),
  })
  peers.push(peer)
  return peer
}

/** What a raw node subscribed to `topic` through the relay receives, as bytes. */
function tap(raw: RawNode, topic: string): Uint8Array[] {
  const seen: Uint8Array[] = []
  raw.services.pubsub.addEventListener('message', ({ detail }) => {
    if (detail.topic === topic) seen.push(detail.data)
  })
  return seen
}

describe('a private room over a relay process', () => {
  it('members chat; the relay and a node on the topic hold no name, DID or text', async () => {
    relay = await RelayProcess.start({ heapSnapshots: true })
    const invite = newInvite(CREATOR)
    const topic = privateRoomKeys(inviteSecret(invite), SPACE).topic
    const alice = await member(invite)
    const bob = await member(invite)
    await untilMet(alice, bob, { what: 'alice and bob to meet' })
    const observer = await rawNodeInRoom(relay.address, topic)
    raws.push(observer)
    const tapped = tap(observer, topic)
    for (const text of TEXTS) await alice.thread.post(text)
    await bob.thread.post('only alice reads this', alice.did)
    await waitFor(() => TEXTS.every((text) => bob.events.allTexts().includes(text)), {
      what: 'bob reads alice',
    })
    await waitFor(() => alice.events.texts().includes('only alice reads this'), {
      what: 'alice reads the DM',
    })
    await waitFor(() => tapped.length >= TEXTS.length, { what: 'the observer to see envelopes' })
    const secrets = [...TEXTS, 'only alice reads this', ROOM, SPACE, alice.did, bob.did]
    const onTopic = Buffer.concat(tapped.map((bytes) => Buffer.from(bytes)))
    const heap = await relay.heapSnapshot()
    const metrics = await relay.metrics()
    // The heap is searched as it is; the probe proves the search finds what is there.
    expect(heap.includes(topic)).toBe(true)
    for (const secret of secrets) {
      expect({
        secret,
        onTopic: onTopic.includes(Buffer.from(secret)),
        heap: heap.includes(secret),
        log: relay.output.includes(secret),
        metrics: metrics.includes(secret),
      }).toEqual({ secret, onTopic: false, heap: false, log: false, metrics: false })
    }
    expect(alice.rejected).toEqual([])
    expect(bob.rejected).toEqual([])
  })

  it('an outsider who knows the topic gets nothing past the relay, and costs no member score', async () => {
    const invite = newInvite(CREATOR)
    const keys = privateRoomKeys(inviteSecret(invite), SPACE)
    const alice = await member(invite)
    const bob = await member(invite)
    await untilMet(alice, bob, { what: 'alice and bob to meet' })
    const outsider = await rawNodeInRoom(relay.address, keys.topic)
    const observer = await rawNodeInRoom(relay.address, keys.topic)
    raws.push(outsider, observer)
    const tapped = tap(observer, keys.topic)
    const signer = await createSeedIdentity(generateSeed()).signerForSpace(SPACE)
    const forged = async (message: string) =>
      (await signClaims(signer, { type: 'chat', room: keys.topic, message }, Date.now())).jwt
    const otherRoom = privateRoomKeys(inviteSecret(newInvite(CREATOR)), SPACE)
    const attempts = [
      encodeUtf8(await forged('spam in the clear')),
      await seal(otherRoom, encodeUtf8(await forged('spam sealed for another room'))),
      new Uint8Array((ENVELOPE_BUCKETS[0] as number) + 1 + 24 + 16 + 64).fill(1),
    ]
    for (const data of attempts) await outsider.services.pubsub.publish(keys.topic, data)
    await alice.thread.post('genuine')
    await waitFor(() => tapped.length > 0, { what: 'the observer to see the genuine post' })
    await waitFor(() => bob.events.allTexts().includes('genuine'), { what: 'bob reads it' })
    await alice.thread.post('after the outsider')
    await waitFor(() => bob.events.allTexts().includes('after the outsider'), {
      what: 'the room goes on',
    })
    const texts = bob.events.allTexts()
    expect(texts.filter((text) => String(text).includes('spam'))).toEqual([])
    // Only the room's own envelopes reached the observer: the relay dropped the rest.
    for (const bytes of tapped)
      expect(attempts.some((attempt) => Buffer.from(attempt).equals(Buffer.from(bytes)))).toBe(
        false,
      )
    expect(alice.rejected).toEqual([])
    expect(bob.rejected).toEqual([])
    // The relay judged them: three refused as not the room key's, which costs the outsider.
    expect(
      await relay.metric('ghost_relay_messages_total{verdict="reject",reason="not-room-key"}'),
    ).toBe(3)
    expect(
      await relay.metric('ghost_relay_messages_total{verdict="accept",reason="sealed"}'),
    ).toBeGreaterThan(0)
  })

  it('a newcomer catches up from the envelopes the relay kept, and a third member chats', async () => {
    const invite = newInvite(CREATOR)
    const alice = await member(invite)
    const bob = await member(invite)
    await untilMet(alice, bob, { what: 'alice and bob to meet' })
    for (const text of TEXTS) await alice.thread.post(text)
    await waitFor(() => TEXTS.every((text) => bob.events.allTexts().includes(text)), {
      what: 'bob reads alice',
    })
    const answered = await relay.metric('ghost_relay_backlog_answers_total{question="members"}')
    const carol = await member(invite, 'what-carol-calls-it')
    await waitFor(() => TEXTS.every((text) => carol.events.allTexts().includes(text)), {
      what: 'carol to catch up',
    })
    await waitFor(async () => (await carol.thread.listMembers()).length === 3, {
      what: 'carol to list the three',
    })
    expect(
      await relay.metric('ghost_relay_backlog_answers_total{question="members"}'),
    ).toBeGreaterThan(answered)
    await carol.thread.post('hello from carol')
    await waitFor(
      () => [alice, bob].every((peer) => peer.events.allTexts().includes('hello from carol')),
      { what: 'alice and bob read carol' },
    )
  })

  it('a member offline while the creator rotated comes back by the old link and is moved on, through the relay', async () => {
    const aliceSeed = generateSeed()
    const aliceDid = (await createSeedIdentity(aliceSeed).signerForSpace(SPACE)).did
    const invite = newInvite(aliceDid)
    const alice = await member(invite, ROOM, aliceSeed)
    const bob = await member(invite)
    const carolSeed = generateSeed()
    const carol = await member(invite, ROOM, carolSeed)
    await waitFor(async () => (await alice.thread.listMembers()).length === 3, {
      what: 'alice to list the three',
    })
    // Carol's browser goes away; the room moves without her.
    await stopAll([carol])
    const now = await alice.thread.rotateInvite()
    await waitFor(() => bob.thread.successor?.invite === now, { what: 'bob to move' })

    const back = await member(invite, ROOM, carolSeed)
    await waitFor(() => back.thread.successor !== undefined, {
      timeoutMs: 20_000,
      what: 'carol, back by the old link, moved on by alice',
    })
    const there = back.thread.successor as GhostThread
    expect(there.invite).toBe(now)
    const heard = new EventLog()
    heard.watch(bob.thread.successor as GhostThread)
    await waitFor(async () => (await there.listMembers()).length === 3, {
      timeoutMs: 20_000,
      what: 'carol to list alice and bob in the room now',
    })
    await there.post('back online')
    await waitFor(() => heard.allTexts().includes('back online'), { what: 'bob reads carol' })
  })
})
