/**
 * Direct event ports from pages to the host (Chrome). A content gate connects to the
 * extension; the offscreen document accepts the ports named for events and pushes each
 * page's thread events straight to it: one hop instead of host → router → page, and no
 * dependence on the service worker being awake. The browser's sender record says which
 * page a port belongs to; a page without a port still gets its events through the router.
 */
import { type Owner, ownerKey } from '../shared/owner.js'
import { EVENTS_PORT_PREFIX, SESSION_PATTERN } from '../shared/ports.js'
import type { ThreadEvent } from '../shared/thread-events.js'

export interface EventPort {
  name: string
  sender?: { tab?: { id?: number }; frameId?: number; origin?: string; url?: string }
  postMessage(message: unknown): void
  onDisconnect: { addListener(listener: () => void): void }
}

export class PagePorts {
  private readonly ports = new Map<string, { port: EventPort; origin: string }>()

  /** Takes a newly connected port if it is a page's event port; false otherwise. */
  accept(port: EventPort): boolean {
    if (!port.name.startsWith(EVENTS_PORT_PREFIX)) return false
    const session = port.name.slice(EVENTS_PORT_PREFIX.length)
    const tabId = port.sender?.tab?.id
    const origin = port.sender?.origin ?? originOf(port.sender?.url)
    if (!SESSION_PATTERN.test(session) || tabId === undefined || origin === undefined) return false
    const key = ownerKey({ tabId, frameId: port.sender?.frameId ?? 0, session })
    this.ports.set(key, { port, origin })
    port.onDisconnect.addListener(() => {
      if (this.ports.get(key)?.port === port) this.ports.delete(key)
    })
    return true
  }

  /** Sends on the page's own port; false when it has none (the caller uses the router). */
  send(owner: Owner, events: ThreadEvent[]): boolean {
    const held = this.ports.get(ownerKey(owner))
    if (held === undefined || held.origin !== owner.origin) return false
    try {
      held.port.postMessage({ events })
      return true
    } catch {
      this.ports.delete(ownerKey(owner))
      return false
    }
  }
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(url).origin
  } catch {
    return undefined
  }
}
