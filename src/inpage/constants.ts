/** The tuning numbers of src/inpage, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// page-thread.ts
/**
 * How long post() waits for the host's sent/queued word after its answer. The host sends
 * it before answering, as an event on the page's event path, which may be overtaken by the
 * answer; the wait bounds a host that never sends it (an older extension).
 */
export const DELIVERY_WORD_WAIT_MS = 2_000

// provider.ts
/**
 * Events for a handle the page does not know yet: the host may tell a thread's first
 * events (a second tab's greeting, a quick backlog) before the join's answer arrives,
 * on another path. Bounded: a handle never claimed does not hold memory for long.
 */
export const EARLY_HANDLES = 16
export const EARLY_EVENTS_PER_HANDLE = 500
