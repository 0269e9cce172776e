/** A DID in short form, in its colour; the whole DID is in the tooltip. */
import { colourOf, shortDid } from './did-display.js'

export function DidLabel({ did, you = false }: { did: string; you?: boolean }) {
  return (
    <span class="did" style={{ color: colourOf(did) }} title={did}>
      {shortDid(did)}
      {you && <span class="you"> (you)</span>}
    </span>
  )
}
