/**
 * Issue 22's rule between members over WebRTC: what an honest neighbour can pass on must
 * never cost it score. Alice holds two relays; Bob holds one of them and a direct WebRTC
 * link to Alice, and then that relay stops, so Alice is Bob's only way into the room. A
 * valid flood from fresh DIDs at Alice's other relay (3 connections, each within a
 * client's limit there) reaches Bob through Alice at more than Bob takes from one peer:
 * the excess is dropped (back-pressure), Alice keeps her standing at Bob, and the room
 * stays one. Scored as `reject`, Bob would have graylisted Alice and heard nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cleanup } from 'node-datachannel'
import { PEER_RATE_LIMIT } from '../../src/core/constants.js'
import { claims, edKey, forge } from '../helpers/jwt-forge.js'
import { explainingFailure, type NetPeer, startNetPeer, stopAll } from '../helpers/net-peer.js'
import { type RawNode, rawNodeInRoom } from '../helpers/raw-node.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { sleep, waitFor } from '../helpers/wait.js'

const utf8 = new TextEncoder()

describe('a flood over a WebRTC link between two members', () => {
  let flooded: RelayProcess | undefined
  let shared: RelayProcess | undefined
  const peers: NetPeer[] = []
  const raws: RawNode[] = []

  beforeAll(async () => {
    ;[flooded, shared] = await Promise.all([RelayProcess.start(), RelayProcess.start()])
  })

  afterAll(async () => {
    await Promise.all(raws.map((raw) => raw.stop()))
    await stopAll(peers)
    await Promise.all([flooded?.stop(), shared?.stop()])
    // node-datachannel's native threads can keep Jest's process alive (webrtc-mesh.test.ts).
    cleanup()
  })

  it('costs the forwarding neighbour nothing: the excess is dropped, the link and the room stay', async () => {
    const [r, s] = [flooded as RelayProcess, shared as RelayProcess]
    const alice = await startNetPeer({
      relays: [r.address, s.address],
      room: 'linked',
      webrtc: true,
    })
    const bob = await startNetPeer({ relays: [s.address], room: 'linked', webrtc: true })
    peers.push(alice, bob)
    const aliceId = alice.node.libp2p.peerId.toString()
    await explainingFailure(
      peers,
      waitFor(
        () =>
          bob.node.dialer.directPeers().includes(aliceId) &&
          bob.node.transport.subscribers(bob.thread.topic).includes(aliceId),
        { timeoutMs: 30_000, intervalMs: 100, what: 'a WebRTC link Bob gossips over' },
      ),
    )
    // Bob's relay goes: Alice is his only way into the room.
    expect(await s.stop()).toBe(0)
    await waitFor(() => bob.node.relays.connected().length === 0, {
      timeoutMs: 10_000,
      what: 'Bob to notice his relay is gone',
    })
    const topic = alice.thread.topic
    const perConnection = Math.round(PEER_RATE_LIMIT.perSecond * 0.9)
    const seconds = 5
    raws.push(...(await Promise.all([0, 1, 2].map(() => rawNodeInRoom(r.address, topic)))))
    await Promise.all(
      raws.map(async (raw) => {
        const started = Date.now()
        for (let i = 0; i < perConnection * seconds; i++) {
          const due = started + (i * 1_000) / perConnection
          if (due > Date.now()) await sleep(due - Date.now())
          const key = edKey()
          await raw.services.pubsub.publish(
            topic,
            utf8.encode(forge(key, claims(key, 'chat', topic, { message: `flood ${i}` }))),
          )
        }
      }),
    )
    // The flood did go over what Bob takes from Alice (else this test proves nothing).
    await waitFor(() => bob.refusals.some((reason) => reason.endsWith('rate-limited-peer')), {
      timeoutMs: 10_000,
      what: 'Bob to drop some of what Alice forwarded',
    })
    // Once it has passed, Alice's posts reach Bob and his reach her, one after another.
    for (let n = 1; n <= 5; n++) {
      for (const [from, to, label] of [
        [alice, bob, 'alice'],
        [bob, alice, 'bob'],
      ] as const) {
        const text = `${label} after ${n}`
        await from.thread.post(text)
        await explainingFailure(
          peers,
          waitFor(() => to.events.allTexts().includes(text), {
            timeoutMs: 10_000,
            what: `${text} across the WebRTC link`,
          }),
        )
      }
    }
    expect(bob.rejected).toEqual([])
    const pubsub = bob.node.libp2p.services.pubsub as unknown as { getScore(p: string): number }
    expect(pubsub.getScore(aliceId)).toBeGreaterThanOrEqual(0)
  }, 90_000)
})
