/**
 * Relays on the user's own computer or network: loopback, private (LAN) and link-local
 * addresses, and names that only resolve there (`localhost`, `*.localhost`, `*.local`).
 * A site that names one could make the browser open WebSockets into the user's network,
 * so a site's relays may be local only when the user turned that on (issue 22); the
 * user's own relays are the user's business (the development relay is 127.0.0.1).
 */
import { isPrivate } from '@libp2p/utils'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'

const LOCAL_NAMES = /(^|\.)(localhost|local)\.?$/i

export function isLocalAddress(address: Multiaddr | string): boolean {
  let parsed: Multiaddr
  try {
    parsed = typeof address === 'string' ? multiaddr(address) : address
  } catch {
    return false
  }
  if (isPrivate(parsed)) return true
  const host = parsed.getComponents().find((part) => part.name.startsWith('dns'))?.value
  return host !== undefined && LOCAL_NAMES.test(host)
}

/** The relays of `relays` that are local, in order. */
export function localRelays(relays: readonly string[]): string[] {
  return relays.filter((relay) => isLocalAddress(relay))
}
