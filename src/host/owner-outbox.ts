/**
 * Events to pages, in order and in batches. While one batch to a page is on its way, the
 * next events for that page wait and leave together; a busy room costs one message per
 * round trip, not one per post. A page that cannot be reached (closed, navigated away)
 * is reported once, so its threads can be left.
 */

import { type Owner, ownerKey } from '../shared/owner.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import { MAX_WAITING_EVENTS, REDELIVERY_DELAY_MS } from './constants.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export type Deliver = (owner: Owner, events: ThreadEvent[]) => Promise<boolean>

interface Queue {
  owner: Owner
  waiting: ThreadEvent[]
  sending: boolean
}

export class OwnerOutbox {
  private readonly queues = new Map<string, Queue>()

  constructor(
    private readonly deliver: Deliver,
    private readonly unreachable: (owner: Owner) => void,
  ) {}

  push(owner: Owner, event: ThreadEvent): void {
    const key = ownerKey(owner)
    let queue = this.queues.get(key)
    if (queue === undefined) {
      queue = { owner, waiting: [], sending: false }
      this.queues.set(key, queue)
    }
    queue.waiting.push(event)
    // Dropping the oldest keeps memory bounded; the page can still call getPosts().
    if (queue.waiting.length > MAX_WAITING_EVENTS) queue.waiting.shift()
    if (!queue.sending) void this.flush(key, queue)
  }

  private async flush(key: string, queue: Queue): Promise<void> {
    queue.sending = true
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0)
      const delivered =
        (await this.deliver(queue.owner, batch).catch(() => false)) ||
        // Once more after a pause: the router may have been restarting. A page that is
        // really gone fails twice.
        (await sleep(REDELIVERY_DELAY_MS).then(() =>
          this.deliver(queue.owner, batch).catch(() => false),
        ))
      if (!delivered) {
        this.queues.delete(key)
        this.unreachable(queue.owner)
        return
      }
    }
    queue.sending = false
    this.queues.delete(key)
  }
}
