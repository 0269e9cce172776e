/**
 * Holds messages published while no subscriber of their topic is known. Gossipsub drops
 * those silently (3–6 messages in every cold start, FIELD-NOTES); we keep them until a
 * subscriber shows up, bounded in count and age so a room nobody else joins costs little.
 */
import { PUBLISH_QUEUE_LIMIT, PUBLISH_QUEUE_MAX_AGE_MS } from './constants.js'

interface Queued {
  data: Uint8Array
  atMs: number
}

export interface PublishQueueInit {
  limit?: number
  maxAgeMs?: number
  now?: () => number
}

export class PublishQueue {
  private readonly queues = new Map<string, Queued[]>()
  private readonly limit: number
  private readonly maxAgeMs: number
  private readonly now: () => number
  /** Messages dropped for age or overflow, for metrics and tests. */
  dropped = 0

  constructor(init: PublishQueueInit = {}) {
    this.limit = init.limit ?? PUBLISH_QUEUE_LIMIT
    this.maxAgeMs = init.maxAgeMs ?? PUBLISH_QUEUE_MAX_AGE_MS
    this.now = init.now ?? Date.now
  }

  add(topic: string, data: Uint8Array): void {
    const queue = this.queues.get(topic) ?? []
    queue.push({ data, atMs: this.now() })
    // The oldest message goes first: the newest state (a fresh presence) matters most.
    while (queue.length > this.limit) {
      queue.shift()
      this.dropped++
    }
    this.queues.set(topic, queue)
  }

  /** Removes and returns the topic's messages that are still fresh, oldest first. */
  take(topic: string): Uint8Array[] {
    const queue = this.queues.get(topic)
    if (queue === undefined) return []
    this.queues.delete(topic)
    const oldest = this.now() - this.maxAgeMs
    const fresh = queue.filter((queued) => queued.atMs >= oldest)
    this.dropped += queue.length - fresh.length
    return fresh.map((queued) => queued.data)
  }

  has(topic: string): boolean {
    return this.queues.has(topic)
  }

  clear(topic: string): void {
    this.queues.delete(topic)
  }

  get size(): number {
    let size = 0
    for (const queue of this.queues.values()) size += queue.length
    return size
  }
}
