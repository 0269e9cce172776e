/**
 * The host: the one place where rooms live. It holds the network (one libp2p node), the
 * identity (per-space signers; the seed never leaves this context) and every page's
 * leases on threads. The router asks it to act for a page only after checking that the
 * page's origin may use the space; the host checks that the page owns the thread.
 */
import type { GhostThreads } from '../core/ghost-threads.js'
import type { Identity } from '../core/identity.js'
import type { DappParams, ThreadMethod } from '../shared/dapp-methods.js'
import { UnauthorizedError } from '../shared/errors.js'
import type { PortMethod } from '../shared/host-port.js'
import type { HostStatus } from '../shared/messengers.js'
import { type Owner, type OwnerSelector, ownerKey } from '../shared/owner.js'
import type { Settings } from '../shared/settings.js'
import { type Deliver, OwnerOutbox } from './owner-outbox.js'
import { type Lease, REVOKED, ThreadLeases } from './thread-leases.js'

/** The network under the host: the real one is a libp2p node, tests may use a memory hub. */
export interface HostNetwork {
  ghost: GhostThreads
  applySettings(settings: Settings): Promise<void>
  status(): Omit<HostStatus, 'threads'>
  /** Members' peers in `topic` that gossip with us over a direct (WebRTC) connection. */
  directSubscribers(topic: string): number
  stop(): Promise<void>
}

export interface GhostHostInit {
  identity: Identity
  network: Promise<HostNetwork>
  deliver: Deliver
}

export interface JoinedThread {
  thread: string
  did: string
  space: string
  room: string
}

type ThreadHandlers = {
  [M in ThreadMethod]: (owner: Owner, params: DappParams<M>) => Promise<unknown>
}

export class GhostHost {
  private readonly leases: ThreadLeases
  private readonly outbox: OwnerOutbox

  constructor(private readonly init: GhostHostInit) {
    this.outbox = new OwnerOutbox(init.deliver, (owner) => {
      // The page is gone without the router noticing (it was asleep): leave its rooms.
      console.warn(`Ghost Threads: page ${ownerKey(owner)} cannot be reached; leaving its rooms`)
      void this.leases.releaseWhere({ owner: ownerKey(owner) })
    })
    this.leases = new ThreadLeases((owner, event) => this.outbox.push(owner, event))
  }

  async did(space: string): Promise<string> {
    return (await this.init.identity.signerForSpace(space)).did
  }

  /**
   * A page's call on its threads. `allowedSpaces` are the spaces the router found the
   * page's origin allowed to use right now: a grant revoked since the join stops the page.
   */
  async call(owner: Owner, method: ThreadMethod, params: unknown, allowedSpaces: string[]) {
    const handler = this.handlers[method] as (owner: Owner, params: unknown) => Promise<unknown>
    if (method !== 'joinThread') {
      const lease = this.leases.get((params as { thread: string }).thread, owner)
      if (!allowedSpaces.includes(lease.thread.space)) {
        await this.leases.release(lease, REVOKED)
        throw new UnauthorizedError(
          `This site's permission for the space "${lease.thread.space}" was revoked; call openSpace() to ask the user again`,
        )
      }
    } else if (!allowedSpaces.includes((params as DappParams<'joinThread'>).space)) {
      throw new UnauthorizedError()
    }
    return handler(owner, params)
  }

  /**
   * A page's call on a thread it holds, from its own port (see shared/host-port.ts). The
   * lease is the authority: it was made after the router's permission check, and a
   * revoked permission ends it (later calls on it fail with 4100).
   */
  async callOnLease(owner: Owner, method: PortMethod, params: unknown): Promise<unknown> {
    const handler = this.handlers[method] as (owner: Owner, params: unknown) => Promise<unknown>
    return handler(owner, params)
  }

  async release(selector: OwnerSelector, reason?: string): Promise<number> {
    return this.leases.releaseWhere(selector, reason)
  }

  async applySettings(settings: Settings): Promise<void> {
    await (await this.init.network).applySettings(settings)
  }

  async status(): Promise<HostStatus> {
    const network = await this.init.network
    const byThread = new Map<string, { lease: Lease; owners: Set<string> }>()
    for (const lease of this.leases.all()) {
      const entry = byThread.get(lease.thread.topic) ?? { lease, owners: new Set<string>() }
      entry.owners.add(lease.owner.origin)
      byThread.set(lease.thread.topic, entry)
    }
    const threads = await Promise.all(
      [...byThread.values()].map(async ({ lease, owners }) => ({
        space: lease.thread.space,
        room: lease.thread.name,
        members: (await lease.thread.listMembers()).length,
        direct: network.directSubscribers(lease.thread.topic),
        owners: [...owners],
      })),
    )
    const heap = (performance as { memory?: { usedJSHeapSize?: number } }).memory?.usedJSHeapSize
    return { ...network.status(), threads, ...(heap === undefined ? {} : { jsHeapBytes: heap }) }
  }

  async stop(): Promise<void> {
    await this.leases.releaseWhere({ all: true })
    await (await this.init.network).stop()
  }

  private thread(owner: Owner, handle: string) {
    return this.leases.get(handle, owner).thread
  }

  private readonly handlers: ThreadHandlers = {
    joinThread: async (owner, { space, room, ghostBacklogLimit }): Promise<JoinedThread> => {
      const { ghost } = await this.init.network
      const opened = await ghost.openSpace(space)
      const thread = await opened.joinThread(room, {
        ghost: true,
        ...(ghostBacklogLimit === undefined ? {} : { ghostBacklogLimit }),
      })
      const lease = this.leases.open(owner, thread)
      return { thread: lease.handle, did: thread.did, space, room }
    },
    post: async (owner, { thread, message, to }) => this.thread(owner, thread).post(message, to),
    getPosts: async (owner, { thread, n }) => this.thread(owner, thread).getPosts(n),
    listMembers: async (owner, { thread }) => this.thread(owner, thread).listMembers(),
    requestBacklog: async (owner, { thread }) => this.thread(owner, thread)._requestBacklog(),
    closeThread: async (owner, { thread }) => {
      await this.leases.release(this.leases.get(thread, owner))
      return null
    },
  }
}
