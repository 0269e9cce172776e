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
