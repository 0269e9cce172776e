import QuickLRU from 'quick-lru'
import { RATE_LIMIT_KEYS } from './constants.js'

export interface RateLimit {
  /** Messages allowed at once after a quiet period. */
  burst: number
  /** Sustained messages per second. */
  perSecond: number
}

/**
 * Token buckets, one per key (a DID or a peer id), in a bounded LRU so a flood of fresh
 * keys cannot grow memory. A key pushed out of the LRU starts again with a full bucket,
 * which is the worst case of forgetting and still bounded by the per-peer limit.
 */
export class RateLimiter {
  private readonly buckets: QuickLRU<string, { tokens: number; at: number }>

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
    maxKeys = RATE_LIMIT_KEYS,
  ) {
    this.buckets = new QuickLRU({ maxSize: maxKeys })
  }

  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string): boolean {
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now }
    const refilled = Math.min(
      this.limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
    )
    const allowed = refilled >= 1
    this.buckets.set(key, { tokens: allowed ? refilled - 1 : refilled, at: now })
    return allowed
  }
}
