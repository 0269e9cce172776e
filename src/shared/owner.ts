/**
 * The page (one document in one frame of one tab) that holds threads in the host. The
 * router builds it from the message's sender, never from anything the page wrote, except
 * `session`: a random id the content gate picks per document, so that an event addressed
 * to a page that has since navigated is not shown to the next one.
 */
import { InvalidRequestError, UnauthorizedError } from './errors.js'
import { originOf } from './origin.js'
import { SESSION_PATTERN } from './ports.js'

export interface Owner {
  tabId: number
  frameId: number
  session: string
  origin: string
}

/** What the browser says about who sent a message or opened a port. */
export interface OwnerSender {
  url?: string
  origin?: string
  frameId?: number
  tab?: { id?: number }
}

/**
 * The owner of a page's call or port, from the browser's record of who sent it: the one
 * rule the router (calls) and the host (ports) both apply. `extensionBase` tells the
 * extension's own pages, which are not web pages even in a tab.
 */
export function ownerFromSender(
  sender: OwnerSender,
  session: unknown,
  extensionBase?: string,
): Owner {
  const tabId = sender.tab?.id
  const ownPage = extensionBase !== undefined && sender.url?.startsWith(extensionBase) === true
  if (tabId === undefined || tabId < 0 || ownPage)
    throw new InvalidRequestError('Ghost Threads serves web pages in tabs only')
  if (typeof session !== 'string' || !SESSION_PATTERN.test(session))
    throw new InvalidRequestError('The page session is malformed; reload the page')
  const origin = sender.origin ?? originOf(sender.url)
  if (origin === undefined || !/^https?:\/\/[^/]+$/.test(origin))
    throw new UnauthorizedError(
      `Only http and https pages may use Ghost Threads; this one is ${origin ?? 'unknown'}`,
    )
  return { tabId, frameId: sender.frameId ?? 0, session, origin }
}

export function ownerKey(owner: Pick<Owner, 'tabId' | 'frameId' | 'session'>): string {
  return `${owner.tabId}/${owner.frameId}/${owner.session}`
}

/** Which owners to release: one page, every page of a tab, or every page of an origin. */
export type OwnerSelector =
  | { owner: string }
  | { tabId: number; frameId?: number; exceptSession?: string }
  | { origin: string; space?: string }
  | { all: true }

export function selects(selector: OwnerSelector, owner: Owner, space?: string): boolean {
  if ('all' in selector) return true
  if ('owner' in selector) return ownerKey(owner) === selector.owner
  if ('origin' in selector)
    return (
      owner.origin === selector.origin && (selector.space === undefined || selector.space === space)
    )
  return (
    owner.tabId === selector.tabId &&
    (selector.frameId === undefined || owner.frameId === selector.frameId) &&
    owner.session !== selector.exceptSession
  )
}
