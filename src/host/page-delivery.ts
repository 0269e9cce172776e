/**
 * How the offscreen host reaches a page with its thread events: over the page's own port
 * when it has one (one hop), else through the router (`router:deliver`), which finds the
 * page's frame; false when neither could hand them over.
 */
import type { Owner } from '../shared/owner.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import type { Deliver } from './owner-outbox.js'
import type { PagePorts } from './page-ports.js'

export function deliverToPages(
  ports: Pick<PagePorts, 'send'>,
  viaRouter: (owner: Owner, events: ThreadEvent[]) => Promise<boolean>,
): Deliver {
  return async (owner, events) => ports.send(owner, events) || viaRouter(owner, events)
}
