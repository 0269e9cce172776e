/**
 * The timers of one object, all cancelled at once when it stops, so a closed thread
 * leaves nothing running (and a test process exits by itself).
 */
export class TimerSet {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly keyed = new Map<string, ReturnType<typeof setTimeout>>()
  private stopped = false

  repeat(task: () => void, everyMs: number): void {
    if (this.stopped) return
    this.timers.add(setInterval(task, everyMs))
  }

  after(delayMs: number, task: () => void): void {
    if (this.stopped) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      task()
    }, delayMs)
    this.timers.add(timer)
  }

  /** Like `after`, but replaces the pending timer of the same `key` (a rescheduled heartbeat). */
  only(key: string, delayMs: number, task: () => void): void {
    if (this.stopped) return
    const pending = this.keyed.get(key)
    if (pending !== undefined) {
      clearTimeout(pending)
      this.timers.delete(pending)
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.keyed.delete(key)
      task()
    }, delayMs)
    this.timers.add(timer)
    this.keyed.set(key, timer)
  }

  /** Cancels the pending timer of `key`, if any. */
  cancel(key: string): void {
    const pending = this.keyed.get(key)
    if (pending === undefined) return
    clearTimeout(pending)
    this.timers.delete(pending)
    this.keyed.delete(key)
  }

  stop(): void {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.keyed.clear()
  }
}
