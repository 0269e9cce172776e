/**
 * User settings the router keeps in extension storage. They never contain message text.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'

/** `npm run relay` on this machine. Without `/p2p/…` the relay's id is learnt on connect. */
export const DEFAULT_RELAYS = ['/ip4/127.0.0.1/tcp/4040/ws']

const RelayAddress = z.string().refine((value) => {
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
  /** Loopback and LAN relays over ws:// (development, and the tests). */
  allowPrivateAddresses: z.boolean(),
})
export type Settings = z.infer<typeof Settings>

export const DEFAULT_SETTINGS: Settings = { relays: DEFAULT_RELAYS, allowPrivateAddresses: true }

/** Stored settings, with defaults for anything missing or unreadable. */
export function readSettings(stored: unknown): Settings {
  const parsed = Settings.partial().safeParse(stored ?? {})
  return parsed.success ? { ...DEFAULT_SETTINGS, ...parsed.data } : { ...DEFAULT_SETTINGS }
}
