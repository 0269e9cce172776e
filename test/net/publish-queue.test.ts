import { describe, expect, it } from '@jest/globals'
import { PublishQueue } from '../../src/net/publish-queue.js'

const bytes = (n: number) => new Uint8Array([n])

describe('PublishQueue', () => {
  it('returns a topic’s messages oldest first, once', () => {
    const queue = new PublishQueue()
    queue.add('a', bytes(1))
    queue.add('b', bytes(9))
    queue.add('a', bytes(2))
    expect(queue.take('a')).toEqual([bytes(1), bytes(2)])
    expect(queue.take('a')).toEqual([])
    expect(queue.has('b')).toBe(true)
    expect(queue.size).toBe(1)
  })

  it('drops the oldest beyond its limit and counts them', () => {
    const queue = new PublishQueue({ limit: 2 })
    for (const n of [1, 2, 3]) queue.add('a', bytes(n))
    expect(queue.take('a')).toEqual([bytes(2), bytes(3)])
    expect(queue.dropped).toBe(1)
  })

  it('drops messages receivers would refuse as too old', () => {
    let now = 0
    const queue = new PublishQueue({ maxAgeMs: 1_000, now: () => now })
    queue.add('a', bytes(1))
    now = 900
    queue.add('a', bytes(2))
    now = 1_500
    expect(queue.take('a')).toEqual([bytes(2)])
    expect(queue.dropped).toBe(1)
  })

  it('forgets a topic on clear', () => {
    const queue = new PublishQueue()
    queue.add('a', bytes(1))
    queue.clear('a')
    expect(queue.has('a')).toBe(false)
    expect(queue.take('a')).toEqual([])
  })
})

describe('Libp2pTransport publishing with a queue', () => {
  it('sends what waited in the queue, then the new message, when a subscriber is known', async () => {
    const { createPeerNode } = await import('../../src/net/create-peer-node.js')
    const { Libp2pTransport } = await import('../../src/net/libp2p-transport.js')
    const { waitFor } = await import('../helpers/wait.js')
    const init = {
      relays: [],
      webrtc: false,
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      allowPrivateAddresses: true,
    }
    const [a, b] = [await createPeerNode(init), await createPeerNode(init)]
    try {
      const [sender, receiver] = [new Libp2pTransport(a), new Libp2pTransport(b)]
      const topic = '3box.chat.v2.queue.test'
      const got: number[] = []
      receiver.subscribe(topic, async ({ data }) => {
        got.push(data[0] as number)
        return 'accept'
      })
      sender.subscribe(topic, async () => 'accept')
      await a.dial(b.getMultiaddrs())
      await waitFor(() => sender.subscribers(topic).length === 1, { timeoutMs: 5_000 })
      await sender.receiving(topic)
      // Left in the queue while the subscriber was already known (a relay failing over).
      sender.queue.add(topic, bytes(1))
      await sender.publish(topic, bytes(2))
      await waitFor(() => got.length === 2, { timeoutMs: 5_000, what: 'both messages' })
      expect(got).toEqual([1, 2])
      expect(sender.queue.has(topic)).toBe(false)
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  }, 20_000)
})
