/**
 * Where the relays are that members name in their claims. A member says which relays it
 * can be reached through by peer id only; we dial one of those only when we know its
 * address ourselves: our configured relays, or the relays our relays are meshed with,
 * which they tell us on `/ghost-threads/relays/2.0.0`. No member can make us dial an
 * address of its choosing (v1's discovery topic could: anyone could announce an address
 * for anyone).
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
import { decodeUtf8 } from '../core/utf8.js'
import { MAX_TOLD_RELAYS, RELAY_DIRECTORY_REFRESH_MS, RELAYS_PROTOCOL } from './constants.js'
import { peerOf } from './relay-keeper.js'
import { sendRequest } from './stream-request.js'

export interface RelayDirectoryInit {
  /** Our configured relays: their addresses by peer id, and those connected now. */
  configured: (relayId: string) => Multiaddr | undefined
  connected: () => Multiaddr[]
  now?: () => number
}

export class RelayDirectory {
  private readonly toldRelays = new Map<string, Multiaddr>()
  private lastAskedMs = Number.NEGATIVE_INFINITY
  private readonly now: () => number

  constructor(
    private readonly node: Libp2p,
    private readonly init: RelayDirectoryInit,
  ) {
    this.now = init.now ?? Date.now
  }

  /** A known relay's address; an unknown one makes us ask our relays again (not too often). */
  addressOf(relayId: string): Multiaddr | undefined {
    const known = this.init.configured(relayId) ?? this.toldRelays.get(relayId)
    if (known === undefined && this.now() - this.lastAskedMs > RELAY_DIRECTORY_REFRESH_MS)
      void this.refresh()
    return known
  }

  /** Every relay our relays told us they mesh with (a fallback when ours are gone). */
  told(): Multiaddr[] {
    return [...this.toldRelays.values()]
  }

  /** Asks each connected relay which relays it is meshed with. */
  async refresh(): Promise<void> {
    this.lastAskedMs = this.now()
    await Promise.all(
      this.init.connected().map((relay) => {
        const id = peerOf(relay)
        return id === undefined ? undefined : this.learnFrom(id)
      }),
    )
  }

  /** Asks one relay (connected, configured by us) which relays it is meshed with. */
  async learnFrom(relayId: string): Promise<void> {
    try {
      const answer = await sendRequest(
        this.node,
        peerIdFromString(relayId),
        RELAYS_PROTOCOL,
        new Uint8Array(),
      )
      for (const address of toldAddresses(answer).slice(0, MAX_TOLD_RELAYS)) {
        const id = peerOf(address)
        if (id !== undefined && id !== relayId) this.toldRelays.set(id, address)
      }
    } catch {
      // An older relay, or one going away: members behind it stay out of reach for now.
    }
  }
}

/** The WebSockets relay addresses (each ending in `/p2p/<id>`) in a relay's answer. */
export function toldAddresses(answer: Uint8Array): Multiaddr[] {
  let list: unknown
  try {
    list = JSON.parse(decodeUtf8(answer) ?? '')
  } catch {
    return []
  }
  if (!Array.isArray(list)) return []
  return list.flatMap((text) => {
    if (typeof text !== 'string') return []
    try {
      const address = multiaddr(text)
      const usable = WebSockets.matches(address) || WebSocketsSecure.matches(address)
      return usable && peerOf(address) !== undefined ? [address] : []
    } catch {
      return []
    }
  })
}

/** The relay's side: the addresses of the relays it is meshed with. */
export async function meshedRelayAddresses(node: Libp2p, relayIds: string[]): Promise<string[]> {
  const addresses: string[] = []
  for (const relayId of relayIds.slice(0, MAX_TOLD_RELAYS)) {
    const known = await node.peerStore.get(peerIdFromString(relayId)).catch(() => undefined)
    for (const { multiaddr: address } of known?.addresses ?? []) {
      if (!WebSockets.matches(address) && !WebSocketsSecure.matches(address)) continue
      addresses.push(
        peerOf(address) === undefined
          ? address.encapsulate(`/p2p/${relayId}`).toString()
          : address.toString(),
      )
    }
  }
  return addresses
}
