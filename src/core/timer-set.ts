/**
 * The timers of one object, all cancelled at once when it stops, so a closed thread
 * leaves nothing running (and a test process exits by itself).
 */
export class TimerSet {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
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

  stop(): void {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }
}
