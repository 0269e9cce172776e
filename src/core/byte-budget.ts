/**
 * Bytes shared by many holders (a relay's rosters, all rooms together): each holder takes
 * before it keeps something new and gives back what it lets go, so the sum stays within
 * `limit` however the holders grow.
 */
export class ByteBudget {
  private held = 0

  constructor(readonly limit: number) {}

  /** Takes `bytes` if they fit; false (and nothing taken) when they do not. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false
    this.held += bytes
    return true
  }

  /** Takes `bytes` whether or not they fit (an entry replaced by a larger one of its own). */
  force(bytes: number): void {
    this.held += bytes
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes)
  }

  get used(): number {
    return this.held
  }
}
