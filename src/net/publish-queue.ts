/**
 * Holds messages published while no subscriber of their topic is known. Gossipsub drops
 * those silently (3–6 messages in every cold start, FIELD-NOTES); we keep them until a
 * subscriber shows up, bounded in count and age so a room nobody else joins costs little.
 * A message published with an id is reported when it is dropped (too old, or pushed out),
 * so a dapp can tell its user the post never went.
 */
import { PUBLISH_QUEUE_LIMIT, PUBLISH_QUEUE_MAX_AGE_MS } from './constants.js'

export interface Queued {
  data: Uint8Array
  atMs: number
  id?: string
}

export interface PublishQueueInit {
  limit?: number
  maxAgeMs?: number
  now?: () => number
  /** A message queued with an id was dropped, unsent. */
  onDropped?: (topic: string, id: string) => void
}

export class PublishQueue {
  private readonly queues = new Map<string, Queued[]>()
  /** One per topic holding messages: drops them when they run out of age, if nobody came. */
  private readonly expiries = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly limit: number
  private readonly maxAgeMs: number
  private readonly now: () => number
  private readonly onDropped: (topic: string, id: string) => void
  /** Messages dropped for age or overflow, for metrics and tests. */
  dropped = 0

  constructor(init: PublishQueueInit = {}) {
    this.limit = init.limit ?? PUBLISH_QUEUE_LIMIT
    this.maxAgeMs = init.maxAgeMs ?? PUBLISH_QUEUE_MAX_AGE_MS
    this.now = init.now ?? Date.now
    this.onDropped = init.onDropped ?? (() => undefined)
  }

  add(topic: string, data: Uint8Array, id?: string): void {
    const queue = this.queues.get(topic) ?? []
    queue.push({ data, atMs: this.now(), ...(id === undefined ? {} : { id }) })
    // The oldest message goes first: the newest state (a fresh presence) matters most.
    while (queue.length > this.limit) this.drop(topic, queue.shift())
    this.queues.set(topic, queue)
    if (!this.expiries.has(topic)) this.expireLater(topic, this.maxAgeMs)
  }

  /** Removes and returns the topic's messages that are still fresh, oldest first. */
  take(topic: string): Queued[] {
    const queue = this.queues.get(topic)
    if (queue === undefined) return []
    this.forget(topic)
    return this.fresh(topic, queue)
  }

  /** Drops what waited past its age while nobody came; checks again when the next one will have. */
  private expire(topic: string): void {
    this.expiries.delete(topic)
    const queue = this.queues.get(topic)
    if (queue === undefined) return
    const fresh = this.fresh(topic, queue)
    if (fresh.length === 0) return void this.queues.delete(topic)
    this.queues.set(topic, fresh)
    this.expireLater(topic, (fresh[0]?.atMs ?? 0) + this.maxAgeMs - this.now())
  }

  /** The messages of `queue` still young enough to send; each older one is dropped. */
  private fresh(topic: string, queue: Queued[]): Queued[] {
    const oldest = this.now() - this.maxAgeMs
    for (const stale of queue.filter((queued) => queued.atMs < oldest)) this.drop(topic, stale)
    return queue.filter((queued) => queued.atMs >= oldest)
  }

  private expireLater(topic: string, inMs: number): void {
    const timer = setTimeout(() => this.expire(topic), Math.max(inMs, 0) + 1)
    ;(timer as { unref?: () => void }).unref?.()
    this.expiries.set(topic, timer)
  }

  /** The topic's messages and their expiry go (taken, or cleared). */
  private forget(topic: string): void {
    this.queues.delete(topic)
    clearTimeout(this.expiries.get(topic))
    this.expiries.delete(topic)
  }

  has(topic: string): boolean {
    return this.queues.has(topic)
  }

  /** Forgets the topic's messages (we left it): each one with an id is reported dropped. */
  clear(topic: string): void {
    const queue = this.queues.get(topic)
    this.forget(topic)
    for (const queued of queue ?? []) this.drop(topic, queued)
  }

  get size(): number {
    let size = 0
    for (const queue of this.queues.values()) size += queue.length
    return size
  }

  private drop(topic: string, queued: Queued | undefined): void {
    if (queued === undefined) return
    this.dropped++
    if (queued.id !== undefined) this.onDropped(topic, queued.id)
  }
}
