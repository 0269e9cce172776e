/**
 * Keeps the configured relays connected. libp2p dials bootstrap peers once and does not
 * redial a peer that went away (FIELD-NOTES), so a relay restart would leave a browser
 * alone for good. We redial with capped exponential backoff for as long as we run, and
 * report each reconnection so rooms can announce themselves again.
 *
 * A relay address may leave out `/p2p/<id>` (a user typing `/dns4/relay.example.com/tcp/443/wss`
 * into the settings): the id is then learnt from the first connection and pinned.
 * `setRelays` swaps the list while running, so a settings change needs no restart.
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { RELAY_REDIAL_MAX_MS, RELAY_REDIAL_MIN_MS } from './constants.js'

export interface RelayKeeperInit {
  relays: string[]
  minDelayMs?: number
  maxDelayMs?: number
  /** Called after a relay that had been lost is connected again. */
  onReconnect?: (relay: Multiaddr) => void
}

interface KeptRelay {
  address: Multiaddr
  /** Known from the address, or learnt from the first connection. */
  peer: string | undefined
  lost: boolean
}

function peerOf(address: Multiaddr): string | undefined {
  return address.getComponents().findLast((part) => part.name === 'p2p')?.value
}

export class RelayKeeper {
  private readonly relays = new Map<string, KeptRelay>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly minDelayMs: number
  private readonly maxDelayMs: number
  private running = false

  constructor(
    private readonly node: Libp2p,
    private readonly init: RelayKeeperInit,
  ) {
    this.minDelayMs = init.minDelayMs ?? RELAY_REDIAL_MIN_MS
    this.maxDelayMs = init.maxDelayMs ?? RELAY_REDIAL_MAX_MS
    this.add(init.relays)
  }

  /** Relays we hold a connection to now, each with its `/p2p/` id. */
  connected(): Multiaddr[] {
    return [...this.relays.values()]
      .filter((relay) => relay.peer !== undefined && this.isConnected(relay.peer))
      .map((relay) =>
        peerOf(relay.address) === undefined
          ? relay.address.encapsulate(`/p2p/${relay.peer}`)
          : relay.address,
      )
  }

  /** Every configured relay and whether it is connected now. */
  list(): { address: string; connected: boolean }[] {
    return [...this.relays.entries()].map(([address, relay]) => ({
      address,
      connected: relay.peer !== undefined && this.isConnected(relay.peer),
    }))
  }

  /** Keeps exactly these relays from now on: new ones are dialled, dropped ones hung up. */
  async setRelays(addresses: string[]): Promise<void> {
    const wanted = new Set(addresses.map((address) => multiaddr(address).toString()))
    const dropped = [...this.relays.entries()].filter(([key]) => !wanted.has(key))
    for (const [key, relay] of dropped) {
      this.relays.delete(key)
      clearTimeout(this.timers.get(key))
      this.timers.delete(key)
      const stillUsed = [...this.relays.values()].some((other) => other.peer === relay.peer)
      if (relay.peer !== undefined && !stillUsed)
        await this.node.hangUp(peerIdFromString(relay.peer)).catch(() => undefined)
    }
    const added = this.add(
      addresses.filter((address) => !this.relays.has(multiaddr(address).toString())),
    )
    if (this.running) for (const key of added) this.schedule(key, 0, 0)
  }

  /** Dials each relay that is not connected now (a user's "retry"), skipping the backoff. */
  redialNow(): void {
    for (const [key, relay] of this.relays)
      if (relay.peer === undefined || !this.isConnected(relay.peer)) this.schedule(key, 0, 0)
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.node.addEventListener('peer:disconnect', this.onDisconnect)
    this.node.addEventListener('peer:connect', this.onConnect)
    for (const key of this.relays.keys()) this.schedule(key, 0, 0)
  }

  stop(): void {
    this.running = false
    this.node.removeEventListener('peer:disconnect', this.onDisconnect)
    this.node.removeEventListener('peer:connect', this.onConnect)
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }

  private add(addresses: string[]): string[] {
    const keys: string[] = []
    for (const address of addresses.map((text) => multiaddr(text))) {
      const key = address.toString()
      this.relays.set(key, { address, peer: peerOf(address), lost: false })
      keys.push(key)
    }
    return keys
  }

  private readonly onDisconnect = (event: CustomEvent<{ toString(): string }>): void => {
    const peer = event.detail.toString()
    if (!this.running) return
    for (const [key, relay] of this.relays) {
      if (relay.peer !== peer) continue
      relay.lost = true
      this.schedule(key, this.minDelayMs, 1)
    }
  }

  private readonly onConnect = (event: CustomEvent<{ toString(): string }>): void => {
    const peer = event.detail.toString()
    for (const [key, relay] of this.relays) {
      if (relay.peer !== peer) continue
      clearTimeout(this.timers.get(key))
      this.timers.delete(key)
      if (relay.lost) {
        relay.lost = false
        this.init.onReconnect?.(relay.address)
      }
    }
  }

  private schedule(key: string, delayMs: number, attempt: number): void {
    if (!this.running || !this.relays.has(key)) return
    clearTimeout(this.timers.get(key))
    const timer = setTimeout(() => {
      this.timers.delete(key)
      const relay = this.relays.get(key)
      if (!this.running || relay === undefined) return
      if (relay.peer !== undefined && this.isConnected(relay.peer)) return
      this.node.dial(relay.address).then(
        (connection) => {
          // An address without an id is pinned to whoever answered it first.
          relay.peer ??= connection.remotePeer.toString()
        },
        () => {
          const next = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** attempt)
          this.schedule(key, next, attempt + 1)
        },
      )
    }, delayMs)
    // A pending redial must not keep a Node process alive on its own.
    ;(timer as { unref?: () => void }).unref?.()
    this.timers.set(key, timer)
  }

  private isConnected(peer: string): boolean {
    return this.node.getConnections().some((c) => c.remotePeer.toString() === peer)
  }
}
