/**
 * Which page holds which thread. Two tabs in one room share the core's one thread (one
 * subscription, one member); each gets its own lease with its own handle and listeners.
 * The thread is left when the last lease goes. A handle only works for the page it was
 * given to: another tab, or another origin, cannot use it.
 */

import type { ClosedReason } from '../core/closed-reason.js'
import type { GhostThread } from '../core/ghost-thread.js'
import { TooManyThreadsError, UnauthorizedError, UnknownThreadError } from '../shared/errors.js'
import { listenUntil } from '../shared/listen-until.js'
import { type Owner, type OwnerSelector, ownerKey, selects } from '../shared/owner.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import { MAX_HANDLES_PER_PAGE, MAX_HANDLES_PER_PAGE_ROOM, REVOKED_REMEMBERED } from './constants.js'
import type { LinkView } from './link-view.js'
import { forwardEvents } from './thread-event-forwarding.js'

export interface Lease {
  handle: string
  owner: Owner
  thread: GhostThread
  /** What the page sees of wallet links in this room (link-view.ts). */
  view: LinkView
  /**
   * The page's ghostBacklogLimit: what it reads and is handed as backlog. Two tabs of a
   * room share one thread, which keeps the larger of their limits; each sees its own.
   */
  limit: number
}

interface HeldLease extends Lease {
  /** Aborted when the lease ends (or follows its room elsewhere): its listeners on the thread go. */
  stop: AbortController
}

function newHandle(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
}

/**
 * Why a lease ends without its page asking: what the page is told (ClosedReason), or
 * `page-gone` (its tab closed or navigated away: nobody is left to tell).
 */
export type ReleaseReason = ClosedReason | 'page-gone'

export class ThreadLeases {
  private readonly leases = new Map<string, HeldLease>()
  private readonly revoked = new Map<string, { owner: string; space: string }>()

  constructor(
    private readonly emit: (owner: Owner, event: ThreadEvent, lease: Lease) => void,
    /** A lease followed its private room to a new invite (it holds the successor now). */
    private readonly moved: (lease: Lease, from: GhostThread) => void = () => undefined,
  ) {}

  /** A new handle for `owner` on `thread`, within MAX_HANDLES_PER_PAGE_ROOM and _PAGE. */
  open(owner: Owner, thread: GhostThread, view: LinkView, limit: number): Lease {
    const key = ownerKey(owner)
    const ofPage = [...this.leases.values()].filter((lease) => ownerKey(lease.owner) === key)
    const inRoom = ofPage.filter((lease) => lease.thread === thread).length
    if (inRoom >= MAX_HANDLES_PER_PAGE_ROOM || ofPage.length >= MAX_HANDLES_PER_PAGE) {
      throw new TooManyThreadsError(
        inRoom >= MAX_HANDLES_PER_PAGE_ROOM
          ? `This page holds ${inRoom} handles for the room "${thread.name}" already (each gets every event); reuse one, or close one with closeThread()`
          : `This page holds ${ofPage.length} thread handles, the most it may; close some with closeThread()`,
      )
    }
    const stop = new AbortController()
    const lease: HeldLease = { handle: newHandle(), owner, thread, view, limit, stop }
    this.follow(lease)
    this.leases.set(lease.handle, lease)
    return lease
  }

  /**
   * Forwards the lease's thread's events to its page, and when a private room moves to a
   * new invite (after the page heard `moved`), goes on with the successor: the page keeps
   * its handle and listeners while the room's key changes under it.
   */
  private follow(lease: HeldLease): void {
    const { thread, stop } = lease
    forwardEvents(
      thread,
      (event) => this.emit(lease.owner, event, lease),
      lease.handle,
      stop.signal,
    )
    listenUntil(
      thread,
      'moved',
      () => {
        const next = thread.successor
        if (next === undefined || this.leases.get(lease.handle) !== lease) return
        stop.abort()
        lease.stop = new AbortController()
        lease.thread = next
        this.follow(lease)
        this.moved(lease, thread)
      },
      stop.signal,
    )
    // The thread ended by itself (a rotation left us out): the page is told why.
    listenUntil(thread, 'closed', (reason) => void this.release(lease, reason), stop.signal)
  }

  /** An event for one lease only (what a page joining a room already held is told). */
  tell(lease: Lease, event: ThreadEvent): void {
    if (this.leases.get(lease.handle) === lease) this.emit(lease.owner, event, lease)
  }

  /** The lease `handle` names, if it belongs to this very page. */
  get(handle: string, owner: Owner): Lease {
    const lease = this.leases.get(handle)
    const revoked = this.revoked.get(handle)
    if (lease === undefined && revoked?.owner === ownerKey(owner)) {
      throw new UnauthorizedError(
        `This site's permission for the space "${revoked.space}" was revoked; call openSpace() to ask the user again`,
      )
    }
    if (lease === undefined || ownerKey(lease.owner) !== ownerKey(owner))
      throw new UnknownThreadError()
    if (!lease.thread.isOpen) {
      this.forget(lease)
      throw new UnknownThreadError()
    }
    return lease
  }

  /**
   * Ends a lease; the thread is left when no page holds it any more. With a `reason`
   * the page did not ask for it, so it is told its thread closed.
   */
  async release(lease: Lease, reason?: ReleaseReason): Promise<void> {
    const held = this.leases.get(lease.handle)
    if (held === undefined) return
    this.forget(held)
    if (reason === 'revoked') {
      this.revoked.set(held.handle, { owner: ownerKey(held.owner), space: held.thread.space })
      for (const oldest of this.revoked.keys()) {
        if (this.revoked.size <= REVOKED_REMEMBERED) break
        this.revoked.delete(oldest)
      }
    }
    if (reason !== undefined && reason !== 'page-gone')
      this.emit(held.owner, { thread: held.handle, kind: 'closed', reason }, held)
    const stillHeld = [...this.leases.values()].some((other) => other.thread === held.thread)
    if (!stillHeld) await held.thread.close()
  }

  /** Ends every lease the selector names; resolves to how many. */
  async releaseWhere(selector: OwnerSelector, reason?: ReleaseReason): Promise<number> {
    const chosen = [...this.leases.values()].filter((lease) =>
      selects(selector, lease.owner, lease.thread.space),
    )
    await Promise.all(chosen.map((lease) => this.release(lease, reason)))
    return chosen.length
  }

  all(): Lease[] {
    return [...this.leases.values()]
  }

  private forget(lease: HeldLease): void {
    lease.stop.abort()
    this.leases.delete(lease.handle)
  }
}
