/**
 * Which of a core thread's events a page hears, and as what: each forwarded event, once,
 * as the ThreadEvent its lease sends (shared/thread-events.ts). `closed` is not here: a
 * page hears why its lease ended from the leases (thread-leases.ts), not the thread.
 */
import type { GhostThread, GhostThreadEvents } from '../core/ghost-thread.js'
import type { ThreadEvent } from '../shared/thread-events.js'

type Forwarded = Exclude<keyof GhostThreadEvents, 'closed'>

const AS_THREAD_EVENT: {
  [E in Forwarded]: (thread: string, ...args: GhostThreadEvents[E]) => ThreadEvent
} = {
  message: (thread, post) => ({ thread, kind: 'message', post }),
  'user-joined': (thread, did, address, linkedOn) => ({
    thread,
    kind: 'user-joined',
    did,
    ...(address === undefined || linkedOn === undefined ? {} : { address, linkedOn }),
  }),
  'user-left': (thread, did) => ({ thread, kind: 'user-left', did }),
  'backlog-received': (thread, backlog) => ({ thread, kind: 'backlog-received', backlog }),
  delivery: (thread, postId, delivery) => ({ thread, kind: 'delivery', postId, delivery }),
  missed: (thread, gap) => ({ thread, kind: 'missed', gap }),
  typing: (thread, did, typing) => ({ thread, kind: 'typing', did, typing }),
  reactions: (thread, postId, reactions) => ({ thread, kind: 'reactions', postId, reactions }),
  seen: (thread, did, mark) => ({ thread, kind: 'seen', did, mark }),
  members: (thread, count) => ({ thread, kind: 'members', count }),
  moved: (thread, invite) => ({ thread, kind: 'moved', invite }),
}

/** Sends each forwarded event of `thread` as `handle`'s, until `signal` aborts. */
export function forwardEvents(
  thread: GhostThread,
  send: (event: ThreadEvent) => void,
  handle: string,
  signal: AbortSignal,
): void {
  for (const name of Object.keys(AS_THREAD_EVENT) as Forwarded[]) {
    // Each entry pairs an event with its own argument list; the loop loses that pairing.
    const make = AS_THREAD_EVENT[name] as (thread: string, ...args: unknown[]) => ThreadEvent
    const listener = (...args: unknown[]) => send(make(handle, ...args))
    thread.on(name, listener as never)
    signal.addEventListener('abort', () => thread.off(name, listener as never), { once: true })
  }
}
