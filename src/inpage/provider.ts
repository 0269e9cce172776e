/**
 * `window.ghostThreads`: the 3IP-9 API for dapps (openSpace → joinThread → GhostThread)
 * over a low-level `request({ method, params })` in the EIP-1193 shape. Arguments are
 * checked here first, so a developer gets the precise error at once; the extension checks
 * them all again, since a page can bypass this object.
 */
import { UnsupportedOperationError } from '../core/errors.js'
import type { JoinThreadOptions } from '../core/ghost-threads.js'
import { assertValidName } from '../core/room-name.js'
import type { DappMethod, DappParams, DappResult, JoinedThread } from '../shared/dapp-methods.js'
import { InvalidRequestError } from '../shared/errors.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import type { ProviderTransport } from './page-channel.js'
import { PageThread } from './page-thread.js'

export const PROVIDER_VERSION = '0.1.0'

interface HeldThread {
  /** Changes when the thread joins again after a reset. */
  handle: string
  thread: PageThread
  options: JoinThreadOptions
}

export class PageSpace {
  constructor(
    readonly name: string,
    readonly did: string,
    private readonly provider: GhostThreadsProvider,
  ) {}

  /** 3IP-9 `space.joinThread(name, { ghost: true, ghostBacklogLimit })`. */
  async joinThread(name: string, options: JoinThreadOptions = {}): Promise<PageThread> {
    assertValidName('room', name)
    if (options?.ghost !== true) {
      throw new UnsupportedOperationError(
        'Only ghost threads are supported: call joinThread(name, { ghost: true }); persistent threads would store messages, which this extension never does',
      )
    }
    return this.provider.joinThread(this.name, name, options)
  }
}

export class GhostThreadsProvider {
  readonly isGhostThreads = true
  readonly version = PROVIDER_VERSION
  private readonly threads = new Map<string, HeldThread>()

  constructor(private readonly transport: ProviderTransport) {
    transport.onEvents((events) => this.dispatch(events))
    transport.onReset(() => void this.rejoinAll())
  }

  /** EIP-1193-style entry: `{ method, params }` → result, or an error with `code`. */
  async request(args: { method: string; params?: unknown }): Promise<unknown> {
    if (typeof args !== 'object' || args === null || typeof args.method !== 'string')
      throw new InvalidRequestError('request() takes { method: string, params?: object }')
    return this.transport.request(args.method, args.params ?? {})
  }

  /**
   * Asks the user (once per site and space) and resolves to the space with its DID.
   * `relays`: the site's own relays for its rooms (WebSockets multiaddrs, at most 4); the
   * user sees them in the prompt, and the rooms use them beside the user's own.
   */
  async openSpace(name: string, options: { relays?: string[] } = {}): Promise<PageSpace> {
    assertValidName('space', name)
    const relays = options?.relays
    const opened = await this.call(
      'openSpace',
      relays === undefined ? { space: name } : { space: name, relays },
    )
    return new PageSpace(opened.space, opened.did, this)
  }

  /** @internal PageSpace.joinThread */
  async joinThread(space: string, room: string, options: JoinThreadOptions): Promise<PageThread> {
    const joined = await this.join(space, room, options)
    const lease = { handle: joined.thread }
    const thread = new PageThread(space, room, joined.did, {
      call: async (method, params) => {
        const withHandle = { ...params, thread: lease.handle } as DappParams<typeof method>
        const answer = await this.call(method, withHandle)
        if (method === 'closeThread') this.threads.delete(lease.handle)
        return answer
      },
    })
    // The held entry is the lease object itself, so a re-join updates what calls use.
    const held: HeldThread = Object.assign(lease, { thread, options })
    this.threads.set(held.handle, held)
    return thread
  }

  private join(space: string, room: string, options: JoinThreadOptions): Promise<JoinedThread> {
    const params =
      options.ghostBacklogLimit === undefined
        ? { space, room }
        : { space, room, ghostBacklogLimit: options.ghostBacklogLimit }
    return this.call('joinThread', params)
  }

  /** The one place the untyped wire meets the contract: each method's declared result. */
  private call<M extends DappMethod>(method: M, params: DappParams<M>): Promise<DappResult<M>> {
    return this.transport.request(method, params) as Promise<DappResult<M>>
  }

  private dispatch(events: ThreadEvent[]): void {
    for (const event of events) {
      const held = this.threads.get(event.thread)
      if (held === undefined) continue
      if (event.kind === 'closed') this.threads.delete(event.thread)
      held.thread.receive(event)
    }
  }

  /** After a reset the page's leases are gone; each open thread joins its room again. */
  private async rejoinAll(): Promise<void> {
    const held = [...this.threads.values()]
    this.threads.clear()
    await Promise.all(
      held.map(async (entry) => {
        if (!entry.thread.isOpen) return
        try {
          const joined = await this.join(entry.thread.space, entry.thread.name, entry.options)
          entry.handle = joined.thread
          this.threads.set(entry.handle, entry)
        } catch {
          entry.thread.markClosed()
        }
      }),
    )
  }
}
