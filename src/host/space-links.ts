/**
 * Each space's wallet link, the host's share of the contract that makes and ends it
 * (shared/host-protocol.ts `linkWallet`, `unlinkWallet`, in the contract's shapes), and
 * the link a page's grant keeps, handed over again when the page joins. A space holds one
 * link; its open rooms say who they are at once when it changes, not at their next
 * heartbeat (up to minutes).
 */
import type { GhostThread } from '../core/ghost-thread.js'
import type { WalletLink } from '../core/schema.js'
import type { HostEndpoint } from '../shared/host-protocol.js'
import type { HostNetwork } from './ghost-host.js'

export interface SpaceLinksInit {
  /** The network now (it changes when the identity is replaced). */
  network: () => Promise<HostNetwork>
  /** The threads pages hold now. */
  threads: () => GhostThread[]
}

/** The methods of the host contract this file serves. */
export const SPACE_LINK_METHODS = [
  'linkWallet',
  'unlinkWallet',
] as const satisfies readonly (keyof HostEndpoint)[]

export class SpaceLinks implements Pick<HostEndpoint, (typeof SPACE_LINK_METHODS)[number]> {
  constructor(private readonly init: SpaceLinksInit) {}

  /**
   * Links the DID of `space` to the account `link` names: its rooms' next claims carry it.
   * A space holds one link; this one replaces another site's (which then sees it unlinked).
   */
  async linkWallet({ space, link }: { space: string; link: WalletLink }): Promise<string> {
    const opened = await (await this.init.network()).ghost.openSpace(space)
    const held = opened.holdsLink(link) ? opened.walletAccount : undefined
    if (held !== undefined) return held.address
    const { address } = await opened.linkWallet(link)
    this.reannounce(space)
    return address
  }

  /** Ends the link of `space` if it was made for the site `domain`; another site's stays. */
  async unlinkWallet({ space, domain }: { space: string; domain: string }): Promise<null> {
    const opened = await (await this.init.network()).ghost.openSpace(space)
    if (opened.unlinkWallet(domain)) this.reannounce(space)
    return null
  }

  /**
   * A join of a page whose grant keeps a link hands it over again (the host may have
   * restarted). It is taken only when the space holds no link: one the user made on
   * another site since is newer, and two sites' joins must not swap it back and forth.
   */
  async restore(space: string, link: WalletLink): Promise<void> {
    const opened = await (await this.init.network()).ghost.openSpace(space)
    if (opened.walletAccount !== undefined) return
    // An expired or otherwise refused link is left off: the room joins unlinked.
    await opened.linkWallet(link).then(
      () => this.reannounce(space),
      () => undefined,
    )
  }

  private reannounce(space: string): void {
    for (const thread of new Set(this.init.threads()))
      if (thread.space === space) void thread.reannounce()
  }
}
