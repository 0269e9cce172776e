/** An author's mark: the DID's colour and two letters, the same wherever it appears. */
import { colourOf, initialsOf } from './did-display.js'

export function Avatar({ did }: { did: string }) {
  return (
    <span class="avatar" style={{ background: colourOf(did) }} aria-hidden="true">
      {initialsOf(did)}
    </span>
  )
}
