/**
 * Keeps the configured relays connected. libp2p dials bootstrap peers once and does not
 * redial a peer that went away (FIELD-NOTES), so a relay restart would leave a browser
 * alone for good. We redial with capped exponential backoff for as long as we run, and
 * report each reconnection so rooms can announce themselves again.
 */
import type { Libp2p } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { RELAY_REDIAL_MAX_MS, RELAY_REDIAL_MIN_MS } from './constants.js'

export interface RelayKeeperInit {
  relays: string[]
  minDelayMs?: number
  maxDelayMs?: number
  /** Called after a relay that had been lost is connected again. */
  onReconnect?: (relay: Multiaddr) => void
}

export class RelayKeeper {
  private readonly byPeer = new Map<string, Multiaddr>()
  private readonly lost = new Set<string>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly minDelayMs: number
  private readonly maxDelayMs: number
  private running = false

  constructor(
    private readonly node: Libp2p,
    private readonly init: RelayKeeperInit,
  ) {
    for (const relay of init.relays.map((address) => multiaddr(address))) {
      const peer = relay.getComponents().findLast((part) => part.name === 'p2p')?.value
      if (peer !== undefined) this.byPeer.set(peer, relay)
    }
    this.minDelayMs = init.minDelayMs ?? RELAY_REDIAL_MIN_MS
    this.maxDelayMs = init.maxDelayMs ?? RELAY_REDIAL_MAX_MS
  }

  /** Relays we hold a connection to now. */
  connected(): Multiaddr[] {
    return [...this.byPeer]
      .filter(([peer]) => this.node.getConnections().some((c) => c.remotePeer.toString() === peer))
      .map(([, relay]) => relay)
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.node.addEventListener('peer:disconnect', this.onDisconnect)
    this.node.addEventListener('peer:connect', this.onConnect)
    for (const peer of this.byPeer.keys()) this.schedule(peer, 0, 0)
  }

  stop(): void {
    this.running = false
    this.node.removeEventListener('peer:disconnect', this.onDisconnect)
    this.node.removeEventListener('peer:connect', this.onConnect)
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }

  private readonly onDisconnect = (event: CustomEvent<{ toString(): string }>): void => {
    const peer = event.detail.toString()
    if (!this.byPeer.has(peer) || !this.running) return
    this.lost.add(peer)
    this.schedule(peer, this.minDelayMs, 1)
  }

  private readonly onConnect = (event: CustomEvent<{ toString(): string }>): void => {
    const peer = event.detail.toString()
    const relay = this.byPeer.get(peer)
    if (relay === undefined) return
    clearTimeout(this.timers.get(peer))
    this.timers.delete(peer)
    if (this.lost.delete(peer)) this.init.onReconnect?.(relay)
  }

  private schedule(peer: string, delayMs: number, attempt: number): void {
    const relay = this.byPeer.get(peer)
    if (relay === undefined || !this.running) return
    clearTimeout(this.timers.get(peer))
    const timer = setTimeout(() => {
      this.timers.delete(peer)
      if (!this.running || this.isConnected(peer)) return
      this.node.dial(relay).catch(() => {
        const next = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** attempt)
        this.schedule(peer, next, attempt + 1)
      })
    }, delayMs)
    // A pending redial must not keep a Node process alive on its own.
    ;(timer as { unref?: () => void }).unref?.()
    this.timers.set(peer, timer)
  }

  private isConnected(peer: string): boolean {
    return this.node.getConnections().some((c) => c.remotePeer.toString() === peer)
  }
}
