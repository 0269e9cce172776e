/**
 * A room's live messages are checked at once and handled in the order they came. A relay
 * sends what it has for a member in one turn together (net/gossip-rpc-batches.ts), and
 * the checks (a signature in WebCrypto, a post's id) end in any order: three posts of one
 * second were shown one, three, two (issue 26). A handler that awaits (a rotation moving
 * the room) does not hold later messages up: only the handlers' starts are in order, and
 * everything a post needs before it is shown is made in the check.
 */
import { type Post, toPost } from './post.js'
import type { ReceiptRules, Verdict } from './receipt-rules.js'
import type { IncomingMessage } from './transport.js'

/** A live message checked: its verdict, and for an accepted post the post as shown. */
export interface CheckedArrival {
  verdict: Verdict
  post?: Post
}

export function checkArrival(
  message: IncomingMessage,
  rules: ReceiptRules,
  shown: (post: Post) => Post,
): Promise<CheckedArrival> {
  const { topic, data, from } = message
  const fromRelay = message.fromRelay === true
  return rules.check(data, { topic, channel: 'pubsub', from, fromRelay }).then(async (verdict) => {
    if (verdict.action !== 'accept' || verdict.message.claims.type !== 'chat') return { verdict }
    return { verdict, post: shown(await toPost(verdict.message.jwt, verdict.message.claims)) }
  })
}

export class ArrivalOrder {
  private last: Promise<unknown> = Promise.resolve()

  /** Runs `handle` on what `ready` gives, once every earlier `take`'s handle has started. */
  take<T, R>(ready: Promise<T>, handle: (value: T) => Promise<R>): Promise<R> {
    const previous = this.last
    const started = Promise.all([ready, previous]).then(([value]) => ({ result: handle(value) }))
    // A check that threw starts nothing: the next waits for the one before it.
    this.last = started.then(undefined, () => previous)
    return started.then(({ result }) => result)
  }
}
