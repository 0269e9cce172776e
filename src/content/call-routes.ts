/**
 * Where a page's call goes from the content gate: a call on a thread the page holds goes
 * over the host's port once it is up (one hop, no service worker needed), anything else,
 * and everything before the port is up, to the router as a one-shot message. Both ports
 * are opened on first use and kept while the page lives.
 */

import type { Outcome } from '../shared/errors.js'
import { isPortMethod } from '../shared/host-port.js'
import { type PageCall, pageMessenger } from '../shared/messengers.js'
import type { HostLink } from './host-link.js'
import type { RouterPort } from './router-port.js'

export function routeCalls(host: HostLink, routerPort: RouterPort) {
  return (call: PageCall): Promise<Outcome> => {
    routerPort.keep()
    host.keep()
    if (host.ready && isPortMethod(call.method)) return host.call({ ...call, method: call.method })
    return pageMessenger.sendMessage('page:call', call)
  }
}

/**
 * A page restored from the back/forward cache: its old router port is dead whether or
 * not we heard of it, and its threads were dropped; a page that never used us has none.
 */
export function afterRestore(routerPort: RouterPort, restored: () => void) {
  return (event: PageTransitionEvent): void => {
    if (!event.persisted || !routerPort.usedOnce) return
    routerPort.reopen()
    restored()
  }
}
