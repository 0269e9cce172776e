/**
 * `window.ghostThreads`: the 3IP-9 API for dapps (openSpace → joinThread → GhostThread)
 * over a low-level `request({ method, params })` in the EIP-1193 shape. Arguments are
 * checked here first, so a developer gets the precise error at once; the extension checks
 * them all again, since a page can bypass this object.
 */

import { EventEmitter } from 'eventemitter3'
import { InvalidArgumentError } from '../core/errors.js'
import {
  assertNewRoomOptions,
  checkedJoinOptions,
  type JoinThreadOptions,
} from '../core/join-options.js'
import { assertValidName } from '../core/room-name.js'
import {
  type ConnectionStatus,
  connectionStatusOf,
  type RoomConnection,
} from '../shared/connection-status.js'
import type { DappMethod, DappParams, DappResult, JoinedThread } from '../shared/dapp-methods.js'
import { InvalidRequestError, UserRejectedError, WalletUnavailableError } from '../shared/errors.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import { EARLY_EVENTS_PER_HANDLE, EARLY_HANDLES } from './constants.js'
import type { ProviderTransport } from './page-channel.js'
import { PageThread } from './page-thread.js'

export const PROVIDER_VERSION = '0.1.0'

/** A wallet as EIP-1193 describes it: what linkWallet() talks to. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>
}

function pageWallet(): Eip1193Provider | undefined {
  return (globalThis as { ethereum?: Eip1193Provider }).ethereum
}

/** personal_sign takes the message as hex of its UTF-8 bytes. */
function utf8Hex(text: string): string {
  return `0x${Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('')}`
}

interface HeldThread {
  /** Changes when the thread joins again after a reset. */
  handle: string
  thread: PageThread
  options: JoinThreadOptions
  /** Events held until the dapp has had a turn to add its listeners (see hold()). */
  waiting?: ThreadEvent[]
  /** The host's last word on how the room is connected. */
  connection?: RoomConnection
}

/** What the provider emits: `status`, the page's connection, whenever it changes. */
export interface ProviderEvents {
  status: [status: ConnectionStatus]
}
const PROVIDER_EVENTS = ['status'] as const

/** A room the host has not said anything of yet: its join has only just been answered. */
const NOT_YET_TOLD: RoomConnection = {
  state: 'connecting',
  relays: { connected: 0, total: 0 },
  siteRelays: [],
  peers: 0,
  directPeers: 0,
  firstPeerMs: null,
  posting: 'queued',
}

/** The options openSpace takes (checked here: a function cannot cross to the extension). */
const SPACE_OPTIONS = ['relays'] as const

export class PageSpace {
  /** @internal the provider makes spaces (openSpace). */
  constructor(
    readonly name: string,
    readonly did: string,
    private readonly provider: GhostThreadsProvider,
  ) {}

  /**
   * Links this space's DID to the account of the page's wallet (EIP-1193, `window.ethereum`
   * by default): Ghost Threads shows the user what is linked and composes an EIP-4361
   * message, the wallet signs it, and every member in this space's rooms then sees the
   * account beside the DID. Declined in the wallet: `UserRejectedError` (4001), and the
   * space stays open and unlinked. Resolves to the account.
   */
  async linkWallet(ethereum: Eip1193Provider | undefined = pageWallet()): Promise<string> {
    if (ethereum === undefined)
      throw new WalletUnavailableError(
        'No wallet on this page (window.ethereum): install one, or pass an EIP-1193 provider to linkWallet()',
      )
    const wallet = async <T>(method: string, params?: unknown[]): Promise<T> => {
      try {
        return (await ethereum.request({ method, ...(params ? { params } : {}) })) as T
      } catch (err) {
        if ((err as { code?: unknown })?.code === 4001)
          throw new UserRejectedError(
            'The user declined in their wallet; the space stays open and unlinked',
          )
        throw err
      }
    }
    const [address] = await wallet<string[]>('eth_requestAccounts')
    if (address === undefined) throw new WalletUnavailableError('The wallet gave no account')
    const chainId = Number.parseInt(await wallet<string>('eth_chainId'), 16)
    const { message } = await this.provider.spaceCall('prepareLink', {
      space: this.name,
      // Wallets often answer lowercase; the extension checksums it (EIP-55) for EIP-4361.
      address,
      chainId,
    })
    const signature = await wallet<string>('personal_sign', [utf8Hex(message), address])
    const linked = await this.provider.spaceCall('completeLink', { space: this.name, signature })
    return linked.address
  }

  /** Ends the link: this space's next claims go without it. */
  async unlinkWallet(): Promise<void> {
    await this.provider.spaceCall('unlinkWallet', { space: this.name })
  }

  /**
   * 3IP-9 `space.joinThread(name, { ghost: true, ghostBacklogLimit, ghostFilters })`; an
   * option we do not have is refused by name (join-options.ts).
   */
  async joinThread(name: string, options: JoinThreadOptions = {}): Promise<PageThread> {
    assertValidName('room', name)
    return this.provider.joinThread(this.name, name, checkedJoinOptions(options, 'page'))
  }

  /**
   * A new private room (issue 25): only those given its invite can read it, and relays
   * cannot tell what it is. Hand the invite on in a link's fragment (`#…`, never sent to
   * a server); others join with joinThread(name, { ghost: true, invite }). `name` is what
   * the room is called on this page.
   */
  async createPrivateThread(
    name = 'private',
    options: Omit<JoinThreadOptions, 'ghost' | 'invite'> = {},
  ): Promise<{ thread: PageThread; invite: string }> {
    assertValidName('room', name)
    assertNewRoomOptions(options)
    const checked = checkedJoinOptions({ ...options, ghost: true }, 'page')
    const thread = await this.provider.joinThread(this.name, name, checked, true)
    return { thread, invite: thread.invite as string }
  }
}

export class GhostThreadsProvider {
  readonly isGhostThreads = true
  readonly version = PROVIDER_VERSION
  private readonly threads = new Map<string, HeldThread>()
  private readonly early = new Map<string, ThreadEvent[]>()
  private readonly events = new EventEmitter<ProviderEvents>()
  /**
   * The status last emitted, as JSON: a room's unchanged word is not told twice. In an
   * object of its own: the extension freezes the provider it gives the page.
   */
  private readonly emitted = { status: '' }

  /** @internal connect() (or the extension) makes the provider. */
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
   * How the page's rooms are connected (shared/connection-status.ts): each open room's
   * state, relays and peers as the host said last, and the worst of them as `state`
   * (`idle` with no room open). No permission of its own: a page hears only of rooms it
   * joined, and of the user's relays only how many are connected.
   */
  async status(): Promise<ConnectionStatus> {
    return this.currentStatus()
  }

  /** Listens to `status`: called with the page's connection each time it changes. */
  on<E extends keyof ProviderEvents>(
    event: E,
    listener: (...args: ProviderEvents[E]) => void,
  ): this {
    assertProviderEvent('on', event)
    this.events.on(event, listener as never)
    return this
  }

  off<E extends keyof ProviderEvents>(
    event: E,
    listener: (...args: ProviderEvents[E]) => void,
  ): this {
    assertProviderEvent('off', event)
    this.events.off(event, listener as never)
    return this
  }

  /**
   * Asks the user (once per site and space) and resolves to the space with its DID.
   * `relays`: the site's own relays for its rooms (WebSockets multiaddrs, at most 4); the
   * user sees them in the prompt, and the rooms use them beside the user's own.
   */
  async openSpace(name: string, options: { relays?: string[] } = {}): Promise<PageSpace> {
    assertValidName('space', name)
    assertSpaceOptions(options)
    const relays = options.relays
    const opened = await this.call(
      'openSpace',
      relays === undefined ? { space: name } : { space: name, relays },
    )
    return new PageSpace(opened.space, opened.did, this)
  }

  /** @internal PageSpace.joinThread */
  async joinThread(
    space: string,
    room: string,
    options: JoinThreadOptions,
    createPrivate = false,
  ): Promise<PageThread> {
    const joined = await this.join(space, room, options, createPrivate)
    const lease = { handle: joined.thread }
    // A room made here is joined again after a reset by its invite, as anyone's.
    const kept = joined.invite === undefined ? options : { ...options, invite: joined.invite }
    const thread = new PageThread(space, room, joined.did, joined.invite, {
      call: async (method, params) => {
        const withHandle = { ...params, thread: lease.handle } as DappParams<typeof method>
        const answer = await this.call(method, withHandle)
        if (method === 'closeThread') {
          this.threads.delete(lease.handle)
          this.statusChanged()
        }
        return answer
      },
    })
    // Before any event can reach the dapp: no backlog entry shows that a filter refuses.
    for (const filter of options.ghostFilters ?? []) thread.addFilter(filter)
    // The held entry is the lease object itself, so a re-join updates what calls use.
    const held: HeldThread = Object.assign(lease, { thread, options: kept })
    this.hold(held)
    return thread
  }

  /**
   * Starts delivering a handle's events: those that came early, and any meanwhile, after
   * the dapp's own turn (it adds its listeners once joinThread resolves), as the engine's
   * first events come only after a network round trip.
   */
  private hold(held: HeldThread): void {
    held.waiting = this.early.get(held.handle) ?? []
    this.early.delete(held.handle)
    this.threads.set(held.handle, held)
    setTimeout(() => {
      const waiting = held.waiting ?? []
      held.waiting = undefined
      for (const event of waiting) this.deliver(held, event)
    }, 0)
  }

  private join(
    space: string,
    room: string,
    options: JoinThreadOptions,
    createPrivate = false,
  ): Promise<JoinedThread> {
    return this.call('joinThread', {
      space,
      room,
      ...(options.invite === undefined ? {} : { invite: options.invite }),
      ...(createPrivate ? { createPrivate: true } : {}),
      ...(options.ghostBacklogLimit === undefined
        ? {}
        : { ghostBacklogLimit: options.ghostBacklogLimit }),
      ...(options.linkedOnly === undefined ? {} : { linkedOnly: options.linkedOnly }),
      ...(options.linkChainId === undefined ? {} : { linkChainId: options.linkChainId }),
    })
  }

  /** @internal PageSpace's link calls. */
  spaceCall<M extends 'prepareLink' | 'completeLink' | 'unlinkWallet'>(
    method: M,
    params: DappParams<M>,
  ): Promise<DappResult<M>> {
    return this.call(method, params)
  }

  /** The one place the untyped wire meets the contract: each method's declared result. */
  private call<M extends DappMethod>(method: M, params: DappParams<M>): Promise<DappResult<M>> {
    return this.transport.request(method, params) as Promise<DappResult<M>>
  }

  private dispatch(events: ThreadEvent[]): void {
    for (const event of events) {
      const held = this.threads.get(event.thread)
      if (held === undefined) this.keepEarly(event)
      else if (held.waiting !== undefined) held.waiting.push(event)
      else this.deliver(held, event)
    }
  }

  private deliver(held: HeldThread, event: ThreadEvent): void {
    if (event.kind === 'status') {
      held.connection = event.connection
      this.statusChanged()
      return
    }
    // A private room moved: after a reset it is joined again by its new invite.
    if (event.kind === 'moved') held.options = { ...held.options, invite: event.invite }
    if (event.kind === 'closed' && this.threads.get(event.thread) === held) {
      this.threads.delete(event.thread)
      this.statusChanged()
    }
    held.thread.receive(event)
  }

  private currentStatus(): ConnectionStatus {
    const open = [...this.threads.values()].filter((held) => held.thread.isOpen)
    return connectionStatusOf(
      open.map(({ thread, connection }) => ({
        space: thread.space,
        room: thread.name,
        ...(connection ?? NOT_YET_TOLD),
      })),
    )
  }

  /** Emits `status` when what it says changed. */
  private statusChanged(): void {
    const status = this.currentStatus()
    const shown = JSON.stringify(status)
    if (shown === this.emitted.status) return
    this.emitted.status = shown
    this.events.emit('status', status)
  }

  private keepEarly(event: ThreadEvent): void {
    const kept = this.early.get(event.thread) ?? []
    if (kept.length >= EARLY_EVENTS_PER_HANDLE) return
    kept.push(event)
    this.early.set(event.thread, kept)
    for (const oldest of this.early.keys()) {
      if (this.early.size <= EARLY_HANDLES) break
      this.early.delete(oldest)
    }
  }

  /** After a reset the page's leases are gone; each open thread joins its room again. */
  private async rejoinAll(): Promise<void> {
    const held = [...this.threads.values()]
    this.threads.clear()
    await Promise.all(
      held.map(async (entry) => {
        if (!entry.thread.isOpen) return
        // The restarted host says anew how the room is connected.
        entry.connection = undefined
        try {
          const joined = await this.join(entry.thread.space, entry.thread.name, entry.options)
          entry.handle = joined.thread
          this.hold(entry)
        } catch {
          entry.thread.markClosed('host-restarted')
        }
      }),
    )
    this.statusChanged()
  }
}

function assertProviderEvent(method: string, event: unknown): void {
  if ((PROVIDER_EVENTS as readonly unknown[]).includes(event)) return
  throw new InvalidArgumentError(
    `ghostThreads.${method} takes one of the provider's events: ${PROVIDER_EVENTS.join(', ')}; got ${JSON.stringify(String(event)).slice(0, 60)} (a room's own events are on its thread)`,
  )
}

function assertSpaceOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidArgumentError('openSpace(name, options) takes an object as its options')
  const unknown = Object.keys(options).filter(
    (key) => !(SPACE_OPTIONS as readonly string[]).includes(key),
  )
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `openSpace does not take the option ${unknown.join(', ')}: its options are ${SPACE_OPTIONS.join(', ')} (the user's consent is the permission prompt; there is nothing to sync)`,
    )
  }
}
