/**
 * Where a wallet link was made, and a member with the account its link names: on their
 * own so that what a dapp's compiler reads of posts and members needs no wallet code.
 */

/** Where a link was made: the site it names (its EIP-4361 domain) and the chain. */
export interface LinkScope {
  domain: string
  chainId: number
}

/** A member as a page sees it: its DID, and the account its wallet link names where it counts. */
export interface LinkedMember {
  did: string
  address?: string
  linkedOn?: LinkScope
}
