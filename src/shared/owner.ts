/**
 * The page (one document in one frame of one tab) that holds threads in the host. The
 * router builds it from the message's sender, never from anything the page wrote, except
 * `session`: a random id the content gate picks per document, so that an event addressed
 * to a page that has since navigated is not shown to the next one.
 */
export interface Owner {
  tabId: number
  frameId: number
  session: string
  origin: string
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
