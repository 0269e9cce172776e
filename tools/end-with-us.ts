/**
 * A child process ended when this process exits, however it exits (an uncaught error, or
 * a signal a benchmark turns into an exit: bench/exit-on-signal.ts). A child left behind
 * keeps running under pid 1: a relay from a failed start held its key lock and port
 * (issue 22), a bench:net stopped by `timeout` left its relay running.
 */
import type { ChildProcess } from 'node:child_process'

export interface EndWithUsOptions {
  /**
   * The child was spawned `detached`, so it leads its own process group: the whole group
   * is ended, what it started too (xvfb-run's driver, tsx's node).
   */
  group?: boolean
  /** Default SIGKILL: at our exit there is no time to wait for a graceful stop. */
  signal?: NodeJS.Signals
}

/** Ends `child` (or its group) at our exit; returns a function that ends it now. */
export function endWithUs(child: ChildProcess, options: EndWithUsOptions = {}): () => void {
  const end = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
    try {
      if (options.group === true) process.kill(-child.pid, options.signal ?? 'SIGKILL')
      else child.kill(options.signal ?? 'SIGKILL')
    } catch {
      // Gone already.
    }
  }
  process.once('exit', end)
  child.once('exit', () => process.off('exit', end))
  return end
}
