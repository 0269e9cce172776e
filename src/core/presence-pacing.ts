import { MAX_PRESENCE_TTL_S } from './constants.js'
import type { ThreadTimings } from './thread-timings.js'

/**
 * How often a member sends its heartbeat, and how long each one holds. v1 sent one every
 * 20 s whatever the room: 1,000 members made 50 presences a second, each forwarded to all
 * 1,000. Here each member stretches its interval with the room's size so that the whole
 * room sends about `roomPresencePerSecond`, and every presence says how long it holds
 * (`ttl`), so receivers expire it on the sender's schedule, not their own guess of it.
 */

export interface Heartbeat {
  /** Wait this long before the next presence... */
  delayMs: number
  /** ...which this presence covers with room to spare: it claims this `ttl`. */
  ttlS: number
}

export function nextHeartbeat(
  timings: Pick<
    ThreadTimings,
    'presenceIntervalMs' | 'memberExpiryMs' | 'roomPresencePerSecond' | 'maxPresenceIntervalMs'
  >,
  /** Members in the room, us included. */
  roomSize: number,
  random: () => number = Math.random,
): Heartbeat & { intervalMs: number } {
  // Each presence's `ttl` covers the wait until the next one, both chosen here together, so
  // the interval may jump to the room's pace at once. (It used to grow at most 2× per beat:
  // a crowd that had just joined beat at 20, 40, 80 and 160 s before settling, and 300 idle
  // members then cost their own 2 cores more than a room that talks.)
  const intervalMs = Math.min(
    timings.maxPresenceIntervalMs,
    Math.max(timings.presenceIntervalMs, (roomSize * 1000) / timings.roomPresencePerSecond),
  )
  // Early, never late: members that joined together must not beat in step.
  return {
    intervalMs,
    delayMs: intervalMs * (0.9 + 0.1 * random()),
    ttlS: ttlFor(timings, intervalMs),
  }
}

/** The `ttl` (seconds) of a presence whose next heartbeat comes within `intervalMs`. */
export function ttlFor(
  timings: Pick<ThreadTimings, 'presenceIntervalMs' | 'memberExpiryMs'>,
  intervalMs: number,
): number {
  const ratio = timings.memberExpiryMs / timings.presenceIntervalMs
  return Math.min(MAX_PRESENCE_TTL_S, Math.ceil((intervalMs * ratio) / 10) / 100)
}
