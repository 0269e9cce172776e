/** The people the user blocked, each with an undo. */
import { Avatar } from '../../ui/Avatar.js'
import { DidLabel } from '../../ui/DidLabel.js'

export function BlockList({
  blocked,
  onUnblock,
}: {
  blocked: string[]
  onUnblock: (did: string) => void
}) {
  if (blocked.length === 0) return <p class="empty">Nobody is blocked.</p>
  return (
    <ul class="blocked" aria-label="blocked people">
      {blocked.map((did) => (
        <li key={did}>
          <Avatar did={did} />
          <DidLabel did={did} />
          <button type="button" onClick={() => onUnblock(did)} aria-label={`Unblock ${did}`}>
            Unblock
          </button>
        </li>
      ))}
    </ul>
  )
}
