/**
 * The WebRTC dialer's pace, with a fake node: quick tries, then slow ones for as long as
 * the peer shares a room with us (it used to give up after five: under load two members
 * never linked directly), and why the last dial failed. webrtc-mesh.test.ts and
 * webrtc-relays.test.ts link real nodes.
 */
import { describe, expect, it } from '@jest/globals'
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { WebRTCDialer } from '../../src/net/webrtc-dialer.js'

const OWN = '12D3KooWAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const PEER = '12D3KooWBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'
const RELAY = multiaddr(
  '/ip4/127.0.0.1/tcp/4040/ws/p2p/12D3KooWRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR',
)

/** A node whose dials fail `failing` times ("signal timed out"), then connect. */
function fakeNode(failing: number) {
  const dialled: string[][] = []
  const node = {
    peerId: { toString: () => OWN },
    getConnections: () => [],
    dial: async (addresses: ReturnType<typeof multiaddr>[]) => {
      dialled.push(addresses.map(String))
      if (dialled.length <= failing)
        throw Object.assign(new Error('signal timed out'), { name: 'TimeoutError' })
      return {}
    },
  }
  return { node: node as unknown as Pick<Libp2p, 'peerId' | 'getConnections' | 'dial'>, dialled }
}

/** Lets the dial the last scan started settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('WebRTCDialer', () => {
  it('tries quickly, then slowly while the peer is in our rooms, and says why the last dial failed', async () => {
    let now = 0
    const { node, dialled } = fakeNode(7)
    let wanted = [{ peer: PEER, relays: [] as string[] }]
    const dialer = new WebRTCDialer(node, {
      wantedPeers: () => wanted,
      relaysToward: () => [RELAY],
      attempts: 3,
      slowRetryMs: 30_000,
      now: () => now,
    })
    const scanAt = async (atMs: number) => {
      now = atMs
      await dialer.scan()
      await settle()
    }
    await scanAt(0)
    expect(dialled).toEqual([[`${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`]])
    expect(dialer.failures()).toEqual([
      { peer: PEER, failures: 1, lastError: 'TimeoutError: signal timed out' },
    ])
    // Quick tries: 1 s after the first failure, 2 s after the second.
    await scanAt(500)
    expect(dialled).toHaveLength(1)
    await scanAt(1_000)
    await scanAt(3_000)
    expect(dialled).toHaveLength(3)
    // Past the quick tries, the next waits the slow pace, and then there is another.
    await scanAt(29_000)
    expect(dialled).toHaveLength(3)
    await scanAt(33_000)
    expect(dialled).toHaveLength(4)
    await scanAt(63_000)
    await scanAt(93_000)
    await scanAt(123_000)
    await scanAt(153_000)
    expect(dialled).toHaveLength(8)
    // The eighth connected: nothing failing is left to report.
    expect(dialer.failures()).toEqual([])
    // A peer that left our rooms is forgotten, and not dialled.
    wanted = []
    await scanAt(400_000)
    expect(dialled).toHaveLength(8)
    expect(dialer.failures()).toEqual([])
  })

  it('leaves the dial to the peer with the lower id', async () => {
    const { node, dialled } = fakeNode(0)
    const higher = new WebRTCDialer(node, {
      wantedPeers: () => [
        { peer: '12D3KooW1111111111111111111111111111111111111111111', relays: [] },
      ],
      relaysToward: () => [RELAY],
    })
    await higher.scan()
    await settle()
    expect(dialled).toEqual([])
  })
})
