/**
 * Keeps us connected to some of the configured relays. libp2p dials bootstrap peers once
 * and does not redial a peer that went away (FIELD-NOTES), so a relay restart would leave
 * a browser alone for good. We redial with capped exponential backoff for as long as we
 * run, and report each reconnection so rooms can announce themselves again.
 *
 * A peer uses `relaysPerPeer` of the configured relays, chosen at random, so a crowd
 * spreads over the relays instead of piling onto the first (relays carry rooms between
 * them in their own gossipsub mesh). When one of ours goes away and a spare is configured,
 * we move to the spare at once; the lost one becomes a spare, tried again later.
 *
 * A relay address may leave out `/p2p/<id>` (a user typing `/dns4/relay.example.com/tcp/443/wss`
 * into the settings): the id is then learnt from the first connection and pinned.
 * `setRelays` swaps the list while running, so a settings change needs no restart.
 *
 * When every relay we hold is gone and no configured spare is ready, we fall back on the
 * relays ours told us they mesh with (`fallbacks`, RelayDirectory): a fresh install knows
 * one relay, and a dapp may name one, so a member whose only relay stopped was left out
 * of a room that went on through the other relays (issue 22: 91% of deliveries after a
 * stop). A told relay is held like a spare of ours until the settings change.
 *
 * Redials follow libp2p's connect and disconnect events, and a periodic check catches what
 * the events miss: in a 300-peer room over 3 relays on a loaded machine, peers were left
 * holding no relay at all, their relays marked active with no connection, no dial in
 * flight and no redial pending, until the run ended.
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { RELAY_REDIAL_MAX_MS, RELAY_REDIAL_MIN_MS, RELAYS_PER_PEER } from './constants.js'

export interface RelayKeeperInit {
  relays: string[]
  /** How many of the relays to hold at once (default RELAYS_PER_PEER; relays mesh with all). */
  relaysPerPeer?: number
  minDelayMs?: number
  maxDelayMs?: number
  /** Called after a relay connects once we had lost one: rooms announce themselves again. */
  onReconnect?: (relay: Multiaddr) => void
  /** Called on every connection to one of our relays, with its peer id. */
  onConnect?: (relayId: string) => void
  /** Relays our relays said they mesh with (each ending in `/p2p/<id>`): used when ours are gone. */
  fallbacks?: () => Multiaddr[]
  random?: () => number
}

interface KeptRelay {
  address: Multiaddr
  /** Known from the address, or learnt from the first connection. */
  peer: string | undefined
  /** One of the relays we hold (or try to); the others are spares. */
  active: boolean
  /** Failed dials in a row, for the backoff. */
  failures: number
  /** A spare that failed is not tried again before this. */
  retryAtMs: number
}

/** The peer id an address ends in (`…/p2p/<id>`), if any. */
export function peerOf(address: Multiaddr): string | undefined {
  return address.getComponents().findLast((part) => part.name === 'p2p')?.value
}

export class RelayKeeper {
  private readonly relays = new Map<string, KeptRelay>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  /** Relays with a dial in flight. */
  private readonly dialing = new Set<string>()
  private check: ReturnType<typeof setInterval> | undefined
  private readonly minDelayMs: number
  private readonly maxDelayMs: number
  private readonly perPeer: number
  private readonly random: () => number
  private running = false
  /** Set when one of our relays went away: the next connection is a reconnection. */
  private lostOne = false

  constructor(
    private readonly node: Libp2p,
    private readonly init: RelayKeeperInit,
  ) {
    this.minDelayMs = init.minDelayMs ?? RELAY_REDIAL_MIN_MS
    this.maxDelayMs = init.maxDelayMs ?? RELAY_REDIAL_MAX_MS
    this.perPeer = init.relaysPerPeer ?? RELAYS_PER_PEER
    this.random = init.random ?? Math.random
    this.add(init.relays)
    this.fillActive()
  }

  /** Relays we hold a connection to now, each with its `/p2p/` id. */
  connected(): Multiaddr[] {
    return [...this.relays.values()]
      .filter((relay) => relay.peer !== undefined && this.isConnected(relay.peer))
      .map((relay) => withId(relay))
  }

  /** The address of a configured relay, by its peer id (given, or learnt when it answered). */
  addressOf(relayId: string): Multiaddr | undefined {
    for (const relay of this.relays.values()) if (relay.peer === relayId) return withId(relay)
    return undefined
  }

  /** Every configured relay and whether it is connected now. */
  list(): { address: string; connected: boolean }[] {
    return [...this.relays.entries()].map(([address, relay]) => ({
      address,
      connected: relay.peer !== undefined && this.isConnected(relay.peer),
    }))
  }

  /** Keeps exactly these relays from now on: new ones may be dialled, dropped ones hung up. */
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
    this.add(addresses.filter((address) => !this.relays.has(multiaddr(address).toString())))
    this.fillActive()
  }

  /** Dials each of our relays that is not connected now (a user's "retry"), skipping the backoff. */
  redialNow(): void {
    for (const [key, relay] of this.relays) {
      relay.retryAtMs = 0
      if (relay.active && !this.isUp(relay)) this.schedule(key, 0)
    }
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.node.addEventListener('peer:disconnect', this.onDisconnect)
    this.node.addEventListener('peer:connect', this.onConnect)
    for (const [key, relay] of this.relays) if (relay.active) this.schedule(key, 0)
    this.check = setInterval(() => this.redialForgotten(), this.maxDelayMs)
    ;(this.check as { unref?: () => void }).unref?.()
  }

  stop(): void {
    this.running = false
    this.node.removeEventListener('peer:disconnect', this.onDisconnect)
    this.node.removeEventListener('peer:connect', this.onConnect)
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    clearInterval(this.check)
  }

  /** Active relays that are down with nothing under way to bring them back are dialled. */
  private redialForgotten(): void {
    this.fillActive()
    for (const [key, relay] of this.relays) {
      if (!relay.active || this.isUp(relay) || this.timers.has(key) || this.dialing.has(key))
        continue
      // If it was up once, it went away unseen: its rooms must announce themselves again.
      if (relay.peer !== undefined) this.lostOne = true
      this.schedule(key, 0)
    }
  }

  private add(addresses: string[]): void {
    for (const address of addresses.map((text) => multiaddr(text))) {
      const key = address.toString()
      this.relays.set(key, {
        address,
        peer: peerOf(address),
        active: false,
        failures: 0,
        retryAtMs: 0,
      })
    }
  }

  /**
   * None of our relays is up: the relays they told us about become spares (those we hold
   * already, by address or peer id, are not added twice).
   */
  private adoptFallbacks(): void {
    if (this.connected().length > 0) return
    const peers = new Set([...this.relays.values()].map((relay) => relay.peer))
    const fresh = (this.init.fallbacks?.() ?? []).filter(
      (address) => !this.relays.has(address.toString()) && !peers.has(peerOf(address)),
    )
    this.add(fresh.map((address) => address.toString()))
  }

  /** Makes random spares active until we hold `perPeer` relays (or run out of spares). */
  private fillActive(nowMs = Date.now()): void {
    const active = [...this.relays.values()].filter((relay) => relay.active).length
    const spares = [...this.relays.entries()].filter(
      ([, relay]) => !relay.active && relay.retryAtMs <= nowMs,
    )
    for (let i = 0; i < this.perPeer - active && spares.length > 0; i++) {
      const [picked] = spares.splice(Math.floor(this.random() * spares.length), 1)
      if (picked === undefined) break
      const [key, relay] = picked
      relay.active = true
      if (this.running) this.schedule(key, 0)
    }
  }

  /**
   * One of ours failed (went away, or would not answer): move to a spare if one is ready,
   * else keep trying this one with backoff.
   */
  private failed(key: string, relay: KeptRelay): void {
    relay.failures++
    this.adoptFallbacks()
    const delay = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** (relay.failures - 1))
    const spareReady = [...this.relays.values()].some(
      (other) => !other.active && other.retryAtMs <= Date.now(),
    )
    if (spareReady) {
      relay.active = false
      relay.retryAtMs = Date.now() + delay
      this.fillActive()
      // A spare that failed becomes worth another try later.
      const timer = setTimeout(() => this.fillActive(), delay)
      ;(timer as { unref?: () => void }).unref?.()
    } else this.schedule(key, delay)
  }

  private readonly onDisconnect = (event: CustomEvent<{ toString(): string }>): void => {
    const peer = event.detail.toString()
    if (!this.running) return
    for (const [key, relay] of this.relays) {
      if (relay.peer !== peer || !relay.active) continue
      this.lostOne = true
      this.failed(key, relay)
    }
  }

  private readonly onConnect = (event: CustomEvent<{ toString(): string }>): void => {
    const peer = event.detail.toString()
    for (const [key, relay] of this.relays) {
      if (relay.peer !== peer) continue
      clearTimeout(this.timers.get(key))
      this.timers.delete(key)
      relay.failures = 0
      this.init.onConnect?.(peer)
      if (this.lostOne) this.init.onReconnect?.(relay.address)
    }
  }

  private schedule(key: string, delayMs: number): void {
    if (!this.running || !this.relays.has(key)) return
    clearTimeout(this.timers.get(key))
    const timer = setTimeout(() => {
      this.timers.delete(key)
      const relay = this.relays.get(key)
      if (!this.running || relay === undefined || !relay.active || this.isUp(relay)) return
      this.dialing.add(key)
      this.node
        .dial(relay.address)
        .then(
          (connection) => {
            // An address without an id is pinned to whoever answered it first (its
            // peer:connect came before we knew it was this relay).
            if (relay.peer === undefined) {
              relay.peer = connection.remotePeer.toString()
              this.init.onConnect?.(relay.peer)
            }
          },
          () => this.failed(key, relay),
        )
        .finally(() => this.dialing.delete(key))
    }, delayMs)
    // A pending redial must not keep a Node process alive on its own.
    ;(timer as { unref?: () => void }).unref?.()
    this.timers.set(key, timer)
  }

  private isUp(relay: KeptRelay): boolean {
    return relay.peer !== undefined && this.isConnected(relay.peer)
  }

  private isConnected(peer: string): boolean {
    return this.node.getConnections().some((c) => c.remotePeer.toString() === peer)
  }
}

function withId(relay: KeptRelay): Multiaddr {
  return peerOf(relay.address) === undefined && relay.peer !== undefined
    ? relay.address.encapsulate(`/p2p/${relay.peer}`)
    : relay.address
}
