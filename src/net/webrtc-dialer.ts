/**
 * Connects us directly (WebRTC, signalled through a relay's circuit) to the peers of our
 * rooms, so chat keeps flowing when the relay goes away. Only room peers are dialled, not
 * everybody the relay knows, at `<relay>/p2p-circuit/webrtc/p2p/<peer>` for the relays
 * the member named in its signed claims (and ours). Of each pair only the lower peer id
 * dials, so two peers do not race each other into two connections. A peer whose first
 * dials fail is tried again slowly for as long as it shares a room with us.
 */
import type { Libp2p } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { WebRTC } from '@multiformats/multiaddr-matcher'
import type { PeerRoute } from '../core/members.js'
import {
  WEBRTC_DIAL_ATTEMPTS,
  WEBRTC_DIAL_TIMEOUT_MS,
  WEBRTC_MAX_PEERS,
  WEBRTC_RETRY_DELAY_MS,
  WEBRTC_SCAN_INTERVAL_MS,
  WEBRTC_SLOW_RETRY_MS,
} from './constants.js'

export interface WebRTCDialerInit {
  /** Peers we share a room with and their relays (the core's member registry knows them). */
  wantedPeers: () => Iterable<PeerRoute>
  /** The relays to signal through toward a member (Libp2pTransport.relaysToward). */
  relaysToward: (named: readonly string[]) => Multiaddr[]
  scanIntervalMs?: number
  /** Quick tries before the slow pace (WEBRTC_DIAL_ATTEMPTS). */
  attempts?: number
  /** The wait between slow tries (WEBRTC_SLOW_RETRY_MS). */
  slowRetryMs?: number
  now?: () => number
}

interface DialState {
  failures: number
  nextAtMs: number
  inFlight: boolean
  /** Why the last dial failed, for a test or a bug report that asks. */
  lastError?: string
}

/** A peer we are not linked to after failed dials, and why the last one failed. */
export interface DialFailure {
  peer: string
  failures: number
  lastError: string
}

export class WebRTCDialer {
  private readonly states = new Map<string, DialState>()
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly attempts: number
  private readonly slowRetryMs: number
  private readonly now: () => number

  constructor(
    private readonly node: Pick<Libp2p, 'peerId' | 'getConnections' | 'dial'>,
    private readonly init: WebRTCDialerInit,
  ) {
    this.attempts = init.attempts ?? WEBRTC_DIAL_ATTEMPTS
    this.slowRetryMs = init.slowRetryMs ?? WEBRTC_SLOW_RETRY_MS
    this.now = init.now ?? Date.now
  }

  start(): void {
    if (this.timer !== undefined) return
    this.timer = setInterval(
      () => void this.scan(),
      this.init.scanIntervalMs ?? WEBRTC_SCAN_INTERVAL_MS,
    )
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Peers we hold a direct (not relayed) connection to. */
  directPeers(): string[] {
    return this.node
      .getConnections()
      .filter(
        (connection) => connection.limits === undefined && WebRTC.matches(connection.remoteAddr),
      )
      .map((connection) => connection.remotePeer.toString())
  }

  /** Room peers whose last dial failed, and why. */
  failures(): DialFailure[] {
    return [...this.states].flatMap(([peer, { failures, lastError }]) =>
      failures > 0 && lastError !== undefined ? [{ peer, failures, lastError }] : [],
    )
  }

  async scan(): Promise<void> {
    const own = this.node.peerId.toString()
    const direct = new Set(this.directPeers())
    let budget = WEBRTC_MAX_PEERS - direct.size
    const wanted = new Map<string, readonly string[]>()
    for (const { peer, relays } of this.init.wantedPeers()) wanted.set(peer, relays)
    // Peers that left our rooms start afresh if they come back.
    for (const peer of this.states.keys()) if (!wanted.has(peer)) this.states.delete(peer)
    for (const [peer, relays] of wanted) {
      if (budget <= 0) break
      if (peer === own || direct.has(peer) || own > peer) continue
      const state = this.states.get(peer) ?? { failures: 0, nextAtMs: 0, inFlight: false }
      this.states.set(peer, state)
      if (state.inFlight || this.now() < state.nextAtMs) continue
      const addresses = this.init
        .relaysToward(relays)
        .map((relay) => multiaddr(`${relay.toString()}/p2p-circuit/webrtc/p2p/${peer}`))
      if (addresses.length === 0) continue
      budget--
      void this.dial(addresses, state)
    }
  }

  private async dial(addresses: Multiaddr[], state: DialState): Promise<void> {
    state.inFlight = true
    try {
      await this.node.dial(addresses, { signal: AbortSignal.timeout(WEBRTC_DIAL_TIMEOUT_MS) })
      // Connected: a later drop starts a fresh round of quick tries.
      state.failures = 0
      delete state.lastError
    } catch (err) {
      // Many first WebRTC dials time out ("signal timed out") and succeed on retry.
      state.failures++
      state.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      state.nextAtMs =
        this.now() +
        (state.failures < this.attempts ? WEBRTC_RETRY_DELAY_MS * state.failures : this.slowRetryMs)
    } finally {
      state.inFlight = false
    }
  }
}
