/**
 * The `iss|jti` pairs seen, for replay protection, kept for as long as a copy could still
 * be accepted: until the pair's `iat` is older than the longest live age plus the clock
 * skew. An LRU forgot pairs by count instead, and 100,000 fresh messages within the age
 * span let a recorded JWT be accepted again (issue 12). When the span holds
 * `capacity` pairs nothing is forgotten early: `add` says no, and the caller refuses the
 * message instead of opening a door to replays.
 */
export class SeenJtis {
  /** key → `iat` (seconds), in arrival order, which is close to `iat` order. */
  private readonly entries = new Map<string, number>()

  constructor(
    private readonly capacity: number,
    private readonly spanS: number,
  ) {}

  has(key: string): boolean {
    return this.entries.has(key)
  }

  /** Whether no new pair fits now. */
  isFull(nowS: number): boolean {
    this.prune(nowS)
    return this.entries.size >= this.capacity
  }

  /** Remembers `key` while its `iat` is in the span; false when the span is full. */
  add(key: string, iatS: number, nowS: number): boolean {
    if (iatS < nowS - this.spanS) return true // too old to be accepted live again
    if (this.isFull(nowS)) return false
    this.entries.set(key, iatS)
    return true
  }

  get size(): number {
    return this.entries.size
  }

  /** Drops pairs from the oldest arrivals while they are out of the span. */
  private prune(nowS: number): void {
    for (const [key, iatS] of this.entries) {
      if (iatS >= nowS - this.spanS) break
      this.entries.delete(key)
    }
  }
}
