/**
 * Connects us directly (WebRTC, signalled through the relay's circuit) to the peers of our
 * rooms, so chat keeps flowing when the relay goes away. Only room peers are dialled, not
 * everybody the relay knows, and only those that advertise a WebRTC address (peer
 * discovery fills those in). Of each pair only the lower peer id dials, so two peers do
 * not race each other into two connections.
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { WebRTC } from '@multiformats/multiaddr-matcher'
import {
  WEBRTC_DIAL_ATTEMPTS,
  WEBRTC_DIAL_TIMEOUT_MS,
  WEBRTC_MAX_PEERS,
  WEBRTC_RETRY_DELAY_MS,
  WEBRTC_SCAN_INTERVAL_MS,
} from './constants.js'

export interface WebRTCDialerInit {
  /** Peer ids we share a room with (the core's member registry knows them). */
  wantedPeers: () => Iterable<string>
  scanIntervalMs?: number
  attempts?: number
}

interface DialState {
  failures: number
  nextAtMs: number
  inFlight: boolean
}

export class WebRTCDialer {
  private readonly states = new Map<string, DialState>()
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly attempts: number

  constructor(
    private readonly node: Libp2p,
    private readonly init: WebRTCDialerInit,
  ) {
    this.attempts = init.attempts ?? WEBRTC_DIAL_ATTEMPTS
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

  async scan(): Promise<void> {
    const own = this.node.peerId.toString()
    const direct = new Set(this.directPeers())
    let budget = WEBRTC_MAX_PEERS - direct.size
    const wanted = new Set(this.init.wantedPeers())
    // Peers that left our rooms start afresh if they come back.
    for (const peer of this.states.keys()) if (!wanted.has(peer)) this.states.delete(peer)
    for (const peer of wanted) {
      if (budget <= 0) break
      if (peer === own || direct.has(peer) || own > peer) continue
      const state = this.states.get(peer) ?? { failures: 0, nextAtMs: 0, inFlight: false }
      this.states.set(peer, state)
      if (state.inFlight || state.failures >= this.attempts || Date.now() < state.nextAtMs) continue
      const addresses = await this.webrtcAddresses(peer)
      if (addresses.length === 0) continue
      budget--
      void this.dial(addresses, state)
    }
  }

  private async dial(addresses: Multiaddr[], state: DialState): Promise<void> {
    state.inFlight = true
    try {
      await this.node.dial(addresses, { signal: AbortSignal.timeout(WEBRTC_DIAL_TIMEOUT_MS) })
      // Connected: a later drop starts a fresh round of attempts.
      state.failures = 0
    } catch {
      // Many first WebRTC dials time out ("signal timed out") and succeed on retry.
      state.failures++
      state.nextAtMs = Date.now() + WEBRTC_RETRY_DELAY_MS * state.failures
    } finally {
      state.inFlight = false
    }
  }

  private async webrtcAddresses(peer: string): Promise<Multiaddr[]> {
    let id: PeerId
    try {
      id = peerIdFromString(peer)
    } catch {
      return []
    }
    const known = await this.node.peerStore.get(id).catch(() => undefined)
    return (known?.addresses ?? [])
      .map(({ multiaddr }) => multiaddr)
      .filter((address) => WebRTC.matches(address))
      .map((address) =>
        address.getComponents().at(-1)?.name === 'p2p'
          ? address
          : address.encapsulate(`/p2p/${peer}`),
      )
  }
}
