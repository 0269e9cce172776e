/**
 * User settings the router keeps in extension storage. They never contain message text.
 */

import { multiaddr } from '@multiformats/multiaddr'
import { DidKey } from '../core/schema.js'
import { MAX_BLOCKED } from './constants.js'
import '../core/zod-jitless.js'
import { z } from 'zod'

/** `npm run relay` on this machine. Without `/p2p/…` the relay's id is learnt on connect. */
export const DEFAULT_RELAYS = ['/ip4/127.0.0.1/tcp/4040/ws']

export const RelayAddress = z.string().refine((value) => {
  try {
    return multiaddr(value)
      .getComponents()
      .some((part) => part.name === 'ws' || part.name === 'wss')
  } catch {
    return false
  }
}, 'a relay address is a WebSockets multiaddr, e.g. /dns4/relay.example.com/tcp/443/wss')

export const Settings = z.object({
  relays: z.array(RelayAddress).max(8),
  /** Loopback and LAN relays over ws:// in the user's own list (development, and the tests). */
  allowPrivateAddresses: z.boolean(),
  /**
   * Sites may name relays on this computer or its network (loopback, LAN, link-local).
   * Off by default: a site could otherwise make the browser open connections into the
   * user's network (shared/local-relays.ts). A dapp developer turns it on for a local relay.
   */
  localSiteRelays: z.boolean(),
  /** Authors whose posts are hidden in every room and tab (DIDs only, never their text). */
  blocked: z.array(DidKey).max(MAX_BLOCKED),
})
export type Settings = z.infer<typeof Settings>

export const DEFAULT_SETTINGS: Settings = {
  relays: DEFAULT_RELAYS,
  allowPrivateAddresses: true,
  localSiteRelays: false,
  blocked: [],
}

/** Stored settings, with defaults for anything missing or unreadable. */
export function readSettings(stored: unknown): Settings {
  const parsed = Settings.partial().safeParse(stored ?? {})
  return parsed.success ? { ...DEFAULT_SETTINGS, ...parsed.data } : { ...DEFAULT_SETTINGS }
}
