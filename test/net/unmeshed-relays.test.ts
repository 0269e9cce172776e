/**
 * Issue 22's rule: what an honest forwarder can pass on must never cost it score. Two
 * relay processes that are not meshed (a user's relay beside one a dapp named), a member
 * holding both, who forwards one relay's room into the other, and a flood of valid posts
 * from fresh DIDs on the first, within each attacker connection's limit but over the
 * bridge's at the second. Before, the second relay scored its excess as `reject`,
 * graylisted the bridge within seconds, and the room stayed split.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { PEER_RATE_LIMIT } from '../../src/core/constants.js'
import { claims, edKey, forge } from '../helpers/jwt-forge.js'
import {
  explainingFailure,
  type NetPeer,
  startNetPeer,
  stopAll,
  untilMet,
} from '../helpers/net-peer.js'
import { type RawNode, rawNodeInRoom } from '../helpers/raw-node.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { sleep, waitFor } from '../helpers/wait.js'

const utf8 = new TextEncoder()

describe('a room over two relays that are not meshed, bridged by a member', () => {
  let a: RelayProcess | undefined
  let b: RelayProcess | undefined
  const peers: NetPeer[] = []
  const raws: RawNode[] = []

  beforeAll(async () => {
    ;[a, b] = await Promise.all([RelayProcess.start(), RelayProcess.start()])
  })

  afterAll(async () => {
    await Promise.all(raws.map((raw) => raw.stop()))
    await stopAll(peers)
    expect(await Promise.all([a?.stop(), b?.stop()])).toEqual([0, 0])
  })

  it('stays whole through a valid flood over the bridge’s limit: nobody honest is pruned or graylisted', async () => {
    const [relayA, relayB] = [a as RelayProcess, b as RelayProcess]
    const start = async (relays: string[]) => {
      const peer = await startNetPeer({ relays, room: 'bridged' })
      peers.push(peer)
      return peer
    }
    const alice = await start([relayA.address])
    const bob = await start([relayB.address])
    const bridge = await start([relayA.address, relayB.address])
    await untilMet(alice, bridge, { timeoutMs: 15_000, what: 'alice and the bridge' })
    await untilMet(bob, bridge, { timeoutMs: 15_000, what: 'bob and the bridge' })
    await untilMet(alice, bob, { timeoutMs: 15_000, what: 'alice and bob, through the bridge' })
    const topic = alice.thread.topic

    // Three connections at A, each within a client's limit there (90 of its 100 a second),
    // 270 a second in all: the bridge hands B more than B takes from one peer.
    const connections = 3
    const perConnection = Math.round(PEER_RATE_LIMIT.perSecond * 0.9)
    const seconds = 6
    raws.push(
      ...(await Promise.all(
        Array.from({ length: connections }, () => rawNodeInRoom(relayA.address, topic)),
      )),
    )
    const batches = raws.map(() =>
      Array.from({ length: perConnection * seconds }, (_, i) => {
        const key = edKey()
        return utf8.encode(forge(key, claims(key, 'chat', topic, { message: `flood ${i}` })))
      }),
    )
    const limitedAtB = () =>
      relayB.metric('ghost_relay_messages_total{verdict="ignore",reason="rate-limited-peer"}')
    await Promise.all(
      raws.map(async (raw, r) => {
        const batch = batches[r] ?? []
        const started = Date.now()
        for (let i = 0; i < batch.length; i++) {
          // Paced: message i leaves at i / perConnection seconds.
          const due = started + (i * 1_000) / perConnection
          if (due > Date.now()) await sleep(due - Date.now())
          await raw.services.pubsub.publish(topic, batch[i] as Uint8Array)
        }
      }),
    )
    // The flood did go over the bridge's limit at B (else this test proves nothing).
    await waitFor(async () => (await limitedAtB()) > 0, {
      timeoutMs: 10_000,
      what: 'B to drop some of the bridge’s forwards',
    })

    // The flood's tail is still in flight at the bridge and at B, whose limit drops what is
    // over it, honest posts too (back-pressure). Once it has passed, the room is one again:
    // a probe from each side gets through (graylisted, the bridge never carried one again),
    const probe = async (from: NetPeer, to: NetPeer, label: string) => {
      for (let attempt = 0; attempt < 40; attempt++) {
        const text = `${label} probe ${attempt}`
        await from.thread.post(text)
        const arrived = await waitFor(() => to.events.allTexts().includes(text), {
          timeoutMs: 1_000,
        }).then(
          () => true,
          () => false,
        )
        if (arrived) return
      }
      throw new Error(`no probe from ${label} got through after the flood`)
    }
    await probe(alice, bob, 'alice')
    await probe(bob, alice, 'bob')
    // and each side hears every one of the other's posts (one at a time: right after the
    // flood B's budget for the bridge refills at 100 a second, and a burst would test that).
    const heard = (peer: NetPeer, text: string) => peer.events.allTexts().includes(text)
    for (let n = 1; n <= 5; n++) {
      for (const [from, to, label] of [
        [alice, bob, 'alice'],
        [bob, alice, 'bob'],
      ] as const) {
        const text = `${label} after ${n}`
        await from.thread.post(text)
        await explainingFailure(
          [from, to],
          waitFor(() => heard(to, text) && heard(bridge, text), {
            timeoutMs: 5_000,
            what: `${text} on the other side`,
          }),
        )
      }
    }
    for (const relay of [relayA, relayB]) {
      expect(await relay.metric('ghost_relay_penalized_peers{standing="graylisted"}')).toBe(0)
      expect(await relay.metric('ghost_relay_penalized_peers{standing="pruned"}')).toBe(0)
    }
    // Nor at the members: whatever they dropped (copies, rates, a claim that ran out on a
    // busy machine) was ignored, never scored.
    for (const peer of [alice, bob, bridge]) {
      expect(peer.rejected).toEqual([])
      const pubsub = peer.node.libp2p.services.pubsub as unknown as { getScore(p: string): number }
      for (const relay of peer.node.transport.subscribers(topic))
        expect(pubsub.getScore(relay)).toBeGreaterThanOrEqual(0)
    }
  }, 120_000)
})
