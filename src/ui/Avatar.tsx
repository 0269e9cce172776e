/**
 * An author's mark: a colour and two letters, the same wherever it appears. The popup
 * colours by the DID (colourOf); the widget passes the colour it gave the member in its
 * room (member-colours.ts), where two members must not share one.
 */
import { colourOf, initialsOf } from './did-display.js'

export function Avatar({
  did,
  colour = colourOf(did),
  small = false,
}: {
  did: string
  colour?: string
  small?: boolean
}) {
  return (
    <span
      class={small ? 'avatar small' : 'avatar'}
      style={{ background: colour }}
      aria-hidden="true"
    >
      {initialsOf(did)}
    </span>
  )
}
