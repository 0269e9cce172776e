/**
 * What a page sees of wallet links (issue 14). A room is shared by every site the user
 * allowed in its space, so an account shows on a page only when the link was made for
 * that page's site (the EIP-4361 domain), and on the chain the page named
 * (`linkChainId`), if it named one: a signature one site obtained must not make its DID
 * show that account on another. With `linkedOnly` the page sees only members whose link
 * counts there (and itself, and its own posts), on every path, like the block list: live
 * posts, backlog events, getPosts, _requestBacklog, user-joined and the member lists.
 * Other pages in the same room are not affected: it is the page's view, not the room's.
 */
import type { LinkedMember } from '../core/members.js'
import type { Post } from '../core/post.js'
import { type LinkScope, linkHoldsFor, siteOf } from '../core/wallet-link.js'
import { eventWithPosts, type ThreadEvent } from '../shared/thread-events.js'

export interface LinkView {
  /** The page's own DID in the room: never hidden from it. */
  ownDid: string
  /** The page's site: its origin's host, as a link's domain names it. */
  domain: string
  /** The chain the page named: links made on another chain do not count on it. */
  chainId?: number
  /** The page sees only members whose link counts on it (and itself). */
  linkedOnly: boolean
  /**
   * Members whose link was seen to count here (their join or a post said so): with
   * `linkedOnly`, only their typing, seen marks and leaving reach the page.
   */
  counted: Set<string>
}

export function linkViewOf(
  origin: string,
  ownDid: string,
  options: { linkedOnly?: boolean | undefined; linkChainId?: number | undefined },
): LinkView {
  return {
    ownDid,
    // A page that is no site (a file) has no links that count on it.
    domain: siteOf(origin) ?? '',
    ...(options.linkChainId === undefined ? {} : { chainId: options.linkChainId }),
    linkedOnly: options.linkedOnly === true,
    counted: new Set(),
  }
}

/** Whether an author or member has an account that counts on this page. */
function counts(view: LinkView, linked: { address?: string; linkedOn?: LinkScope }): boolean {
  return (
    linked.address !== undefined &&
    linked.linkedOn !== undefined &&
    linkHoldsFor(linked.linkedOn, view)
  )
}

/** A post as the page sees it: its author's account if it counts here; none (linkedOnly) dropped. */
export function viewPost(view: LinkView, post: Post): Post | undefined {
  if (counts(view, post)) {
    view.counted.add(post.author)
    return post
  }
  if (view.linkedOnly && post.author !== view.ownDid) return undefined
  const { address: _address, linkedOn: _linkedOn, ...unlinked } = post
  return unlinked
}

export function viewPosts(view: LinkView, posts: Post[]): Post[] {
  return posts.flatMap((post) => viewPost(view, post) ?? [])
}

/** The event as the page sees it, or undefined when nothing of it is left. */
export function viewEvent(view: LinkView, event: ThreadEvent): ThreadEvent | undefined {
  if (event.kind === 'typing' || event.kind === 'seen' || event.kind === 'user-left')
    return hiddenMember(view, event.did) ? undefined : event
  if (event.kind !== 'user-joined') return eventWithPosts(event, (post) => viewPost(view, post))
  if (counts(view, event)) {
    view.counted.add(event.did)
    return event
  }
  if (view.linkedOnly) return undefined
  const { address: _address, linkedOn: _linkedOn, ...unlinked } = event
  return unlinked
}

/** A member a linkedOnly page does not see: no link of theirs was seen to count here. */
function hiddenMember(view: LinkView, did: string): boolean {
  return view.linkedOnly && did !== view.ownDid && !view.counted.has(did)
}

/** The members the page sees, each with its account if it counts here. */
export function viewMembers(view: LinkView, members: LinkedMember[]) {
  return members.flatMap((member): LinkedMember[] => {
    if (counts(view, member)) return [member]
    return view.linkedOnly && member.did !== view.ownDid ? [] : [{ did: member.did }]
  })
}
