/**
 * The account a member's wallet link names, short and checksummed; the whole address and
 * the site and chain it was linked on are in the tooltip. `unlinked` is what to show when
 * there is none (nothing, by default).
 */
import type { LinkScope } from '../core/wallet-link.js'
import { shortAddress } from './did-display.js'

export function AccountLabel({
  address,
  linkedOn,
  unlinked,
}: {
  address?: string | undefined
  linkedOn?: LinkScope | undefined
  unlinked?: string
}) {
  if (address === undefined || linkedOn === undefined)
    return unlinked === undefined ? null : (
      <span class="address" title="No wallet linked">
        {unlinked}
      </span>
    )
  return (
    <span
      class="address"
      title={`${address} (linked on ${linkedOn.domain}, chain ${linkedOn.chainId})`}
    >
      {shortAddress(address)}
    </span>
  )
}
