/**
 * What a thread that was away (a frozen tab, a laptop asleep, a lost connection) did not
 * get back. Its catch-up brings what the backlog holds (a relay keeps a room's newest
 * RELAY_BACKLOG_POSTS); when more was said meanwhile, the answer is full and none of it is
 * a post we held: posts between our newest and the answer's oldest may be missing, and
 * the page is told (`missed`) rather than left to believe it saw everything.
 */
import { WAKE_CHECK_MS, WAKE_LATE_MS } from './constants.js'
import type { Post } from './post.js'
import type { TimerSet } from './timer-set.js'

/** Posts dated after `after` and before `before` (seconds, as post timestamps) may be missing. */
export interface MissedPosts {
  after: number
  before: number
}

/**
 * The gap a catch-up answer leaves, if any: the answer held `cap` posts or more (it was
 * cut), we held posts before, and its oldest post is not one of them (nothing joins what
 * we had to what came). Its newest posts may be ours already (they came live while it was
 * on its way); timestamps, whole seconds, cannot tell the order within a second.
 */
export function gapAfter(
  answer: { received: Post[]; kept: Post[]; posts: number },
  newestHeldS: number | undefined,
  cap: number,
): MissedPosts | undefined {
  const oldest = answer.received[0]
  if (newestHeldS === undefined || oldest === undefined || answer.posts < cap) return undefined
  const joins = answer.kept[0]?.postId !== oldest.postId
  return joins ? undefined : { after: newestHeldS, before: oldest.timestamp }
}

/**
 * Calls `onWake` when the clock jumped: a check `WAKE_CHECK_MS` apart that runs more than
 * `WAKE_LATE_MS` late means timers did not run (a frozen tab, a sleeping computer). A busy
 * machine delays timers by far less than that.
 */
export function watchForWake(init: { timers: TimerSet; now: () => number; onWake: () => void }) {
  let lastMs = init.now()
  init.timers.repeat(() => {
    const nowMs = init.now()
    const late = nowMs - lastMs - WAKE_CHECK_MS
    lastMs = nowMs
    if (late > WAKE_LATE_MS) init.onWake()
  }, WAKE_CHECK_MS)
}
