/**
 * Wallet links from a page (issue 14). The page's own wallet (EIP-1193) must sign, so a
 * link takes two calls: `prepareLink` shows the user in the extension's prompt which
 * account is to be linked to which DID, and composes the EIP-4361 message; the page has
 * its wallet sign it; `completeLink` checks the signature (as every receiver will) and
 * keeps the link with the site's grant, where the user can revoke it. Nothing but the
 * grant the user chose holds the signature or the address.
 */
import { WalletLinkError } from '../core/errors.js'
import { LinkVerifier, siteOf, type WalletLink } from '../core/wallet-link.js'
import type { DappParams, DappResult } from '../shared/dapp-methods.js'
import {
  PromptPendingError,
  resultOf,
  UnauthorizedError,
  UserRejectedError,
} from '../shared/errors.js'
import { LinkDrafts } from '../shared/link-drafts.js'
import type { HostApi } from './host-api.js'
import type { PermissionStore } from './permissions.js'
import type { PromptBroker } from './prompt-broker.js'

export interface WalletLinksInit {
  host: HostApi
  permissions: PermissionStore
  prompts: PromptBroker
  now?: () => number
}

export class WalletLinks {
  /** Messages composed and shown, waiting for the page's wallet. */
  private readonly drafts: LinkDrafts
  private readonly verifier = new LinkVerifier()
  private readonly now: () => number

  constructor(private readonly init: WalletLinksInit) {
    this.now = init.now ?? Date.now
    this.drafts = new LinkDrafts(this.now)
  }

  async prepare(
    origin: string,
    { space, address, chainId }: DappParams<'prepareLink'>,
  ): Promise<DappResult<'prepareLink'>> {
    await this.assertAllowed(origin, space)
    const did = await this.did(space)
    const answer = await this.init.prompts.ask({
      origin,
      space,
      did,
      relays: [],
      link: { address, chainId },
    })
    if (answer === 'busy')
      throw new PromptPendingError(
        `${origin} already has a prompt open; wait for the user's answer`,
      )
    if (answer !== 'allow')
      throw new UserRejectedError(
        `The user did not link ${address} to their identity in "${space}"; the space stays open and unlinked`,
      )
    return { message: this.drafts.compose(origin, { space, did, address, chainId }) }
  }

  async complete(
    origin: string,
    { space, signature }: DappParams<'completeLink'>,
  ): Promise<DappResult<'completeLink'>> {
    await this.assertAllowed(origin, space)
    const draft = this.drafts.awaiting(origin, space)
    const link: WalletLink = { message: draft.message, signature }
    const check = await this.verifier.check(link, { did: draft.did, space, nowMs: this.now() })
    if (!check.ok)
      throw new WalletLinkError(
        `The wallet's signature does not link the account (${check.reason}: ${check.detail}); contract wallets (EIP-1271) are not supported`,
      )
    this.drafts.done(origin, space)
    await this.init.permissions.setLink(origin, space, link)
    await resultOf(this.init.host.linkWallet({ space, link }))
    return { address: check.account.address }
  }

  async unlink(origin: string, { space }: DappParams<'unlinkWallet'>): Promise<null> {
    await this.assertAllowed(origin, space)
    await this.init.permissions.setLink(origin, space, undefined)
    await resultOf(this.init.host.unlinkWallet({ space, domain: siteOf(origin) ?? '' }))
    return null
  }

  private async assertAllowed(origin: string, space: string): Promise<void> {
    if ((await this.init.permissions.decision(origin, space)) !== 'allow')
      throw new UnauthorizedError(
        `${origin} may not use the space "${space}" yet; call openSpace("${space}") first`,
      )
  }

  private async did(space: string): Promise<string> {
    return resultOf(this.init.host.did({ space }))
  }
}
