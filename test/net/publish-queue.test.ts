import { describe, expect, it } from '@jest/globals'
import { PublishQueue } from '../../src/net/publish-queue.js'
import { waitFor } from '../helpers/wait.js'

const bytes = (n: number) => new Uint8Array([n])

describe('PublishQueue', () => {
  const data = (queued: { data: Uint8Array }[]) => queued.map((entry) => entry.data)

  it('returns a topic’s messages oldest first, once', () => {
    const queue = new PublishQueue()
    queue.add('a', bytes(1))
    queue.add('b', bytes(9))
    queue.add('a', bytes(2))
    expect(data(queue.take('a'))).toEqual([bytes(1), bytes(2)])
    expect(queue.take('a')).toEqual([])
    expect(queue.has('b')).toBe(true)
    expect(queue.size).toBe(1)
    queue.clear('b')
  })

  it('drops the oldest beyond its limit, counts them, and names each one that had an id', () => {
    const dropped: string[] = []
    const queue = new PublishQueue({
      limit: 2,
      onDropped: (topic, id) => dropped.push(`${topic}:${id}`),
    })
    queue.add('a', bytes(1), 'one')
    queue.add('a', bytes(2))
    queue.add('a', bytes(3), 'three')
    expect(queue.take('a')).toEqual([
      { data: bytes(2), atMs: expect.any(Number) },
      { data: bytes(3), atMs: expect.any(Number), id: 'three' },
    ])
    expect(queue.dropped).toBe(1)
    expect(dropped).toEqual(['a:one'])
  })

  it('drops messages receivers would refuse as too old', () => {
    let now = 0
    const dropped: string[] = []
    const queue = new PublishQueue({
      maxAgeMs: 1_000,
      now: () => now,
      onDropped: (_, id) => dropped.push(id),
    })
    queue.add('a', bytes(1), 'old')
    now = 900
    queue.add('a', bytes(2), 'fresh')
    now = 1_500
    expect(data(queue.take('a'))).toEqual([bytes(2)])
    expect(queue.dropped).toBe(1)
    expect(dropped).toEqual(['old'])
  })

  it('drops by itself what waited its age while nobody came, and says so', async () => {
    const dropped: string[] = []
    const queue = new PublishQueue({ maxAgeMs: 50, onDropped: (_, id) => dropped.push(id) })
    queue.add('a', bytes(1), 'first')
    queue.add('a', bytes(2), 'second')
    await waitFor(() => dropped.length === 2, { what: 'both to be dropped' })
    expect(dropped).toEqual(['first', 'second'])
    expect(queue.has('a')).toBe(false)
  })

  it('forgets a topic on clear, each message with an id reported dropped', () => {
    const dropped: string[] = []
    const queue = new PublishQueue({ onDropped: (_, id) => dropped.push(id) })
    queue.add('a', bytes(1), 'left-behind')
    queue.clear('a')
    expect(queue.has('a')).toBe(false)
    expect(queue.take('a')).toEqual([])
    expect(dropped).toEqual(['left-behind'])
  })
})

/**
 * Two real libp2p nodes on 127.0.0.1, not yet connected: a sender and a receiver that
 * records the first byte of each message on `topic`. `link()` connects them.
 */
async function senderAndReceiver(topic: string) {
  const { createPeerNode } = await import('../../src/net/create-peer-node.js')
  const { Libp2pTransport } = await import('../../src/net/libp2p-transport.js')
  const init = {
    relays: [],
    webrtc: false,
    listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    allowPrivateAddresses: true,
  }
  const [a, b] = [await createPeerNode(init), await createPeerNode(init)]
  const [sender, receiver] = [new Libp2pTransport(a), new Libp2pTransport(b)]
  const got: number[] = []
  receiver.subscribe(topic, async ({ data }) => {
    got.push(data[0] as number)
    return 'accept'
  })
  sender.subscribe(topic, async () => 'accept')
  return {
    sender,
    got,
    link: () => a.dial(b.getMultiaddrs()),
    stop: () => Promise.all([a.stop(), b.stop()]),
  }
}

describe('Libp2pTransport publishing with a queue', () => {
  it('sends what waited in the queue, then the new message, when a subscriber is known', async () => {
    const topic = '3box.chat.v2.queue.test'
    const { sender, got, link, stop } = await senderAndReceiver(topic)
    try {
      await link()
      await waitFor(() => sender.subscribers(topic).length === 1, { timeoutMs: 5_000 })
      await sender.receiving(topic)
      // Left in the queue while the subscriber was already known (a relay failing over).
      sender.queue.add(topic, bytes(1))
      await sender.publish(topic, bytes(2))
      await waitFor(() => got.length === 2, { timeoutMs: 5_000, what: 'both messages' })
      expect(got).toEqual([1, 2])
      expect(sender.queue.has(topic)).toBe(false)
    } finally {
      await stop()
    }
  }, 20_000)

  it("says 'queued' while nobody can be reached, then 'sent' once a subscriber is known", async () => {
    const topic = '3box.chat.v2.queue.delivery'
    const { sender, got, link, stop } = await senderAndReceiver(topic)
    try {
      const told: [string, string][] = []
      sender.onDelivery((_, id, delivery) => told.push([id, delivery]))
      expect(await sender.publish(topic, bytes(7), 'post-7')).toBe('queued')
      await link()
      await waitFor(() => told.length > 0 && got.includes(7), {
        timeoutMs: 10_000,
        what: 'the queued message to go out and be reported',
      })
      expect(told).toEqual([['post-7', 'sent']])
      expect(await sender.publish(topic, bytes(8), 'post-8')).toBe('sent')
    } finally {
      await stop()
    }
  }, 20_000)
})
