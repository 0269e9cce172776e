/**
 * Wallet link messages composed for a page's wallet to sign (issue 14), kept until the
 * signed link is taken: what the extension's router and the in-page host both hold
 * between a page's `prepareLink` and its `completeLink`. One draft per site and space; a
 * newer one replaces it, and a failed completion leaves it for the right signature.
 */
import { LINK_VALID_DAYS } from '../core/constants.js'
import { newLinkMessage } from '../core/wallet-link.js'
import { InvalidRequestError } from './errors.js'

export interface LinkDraft {
  message: string
  /** The DID the message links: what the signed link must be checked against. */
  did: string
}

export class LinkDrafts {
  private readonly drafts = new Map<string, LinkDraft>()

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh message linking `did` in `space` to `address` on `chainId`, made on `origin`. */
  compose(
    origin: string,
    request: { space: string; did: string; address: string; chainId: number },
  ): string {
    const message = newLinkMessage({
      origin,
      ...request,
      nowMs: this.now(),
      validDays: LINK_VALID_DAYS,
    })
    this.drafts.set(draftKey(origin, request.space), { message, did: request.did })
    return message
  }

  /** The draft awaiting its signature, or a named error saying what to do. */
  awaiting(origin: string, space: string): LinkDraft {
    const draft = this.drafts.get(draftKey(origin, space))
    if (draft === undefined)
      throw new InvalidRequestError(
        `No wallet link is being made for "${space}" (or Ghost Threads restarted meanwhile); call space.linkWallet() again`,
      )
    return draft
  }

  /** The draft was signed and its link kept: nothing awaits any more. */
  done(origin: string, space: string): void {
    this.drafts.delete(draftKey(origin, space))
  }
}

function draftKey(origin: string, space: string): string {
  return `${origin} ${space}`
}
