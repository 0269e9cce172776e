/**
 * The permission prompt: which site asks for which space, and the DID it will chat as.
 * Everything shown is text (Preact escapes it), never markup from the site. The DID wears
 * the same avatar as in the popup, so the user can recognise it there later.
 */
import { LINK_VALID_DAYS } from '../core/constants.js'
import type { PromptDetails } from '../shared/messengers.js'
import { Avatar } from './Avatar.js'

export interface PermissionPromptProps {
  details: PromptDetails | null | undefined
  onDecide: (allow: boolean) => void
  busy?: boolean
}

export function PermissionPrompt({ details, onDecide, busy = false }: PermissionPromptProps) {
  if (details === undefined) return <main class="prompt">Loading…</main>
  if (details === null) {
    return (
      <main class="prompt">
        <h1>This request has expired</h1>
        <p>The page stopped waiting for an answer. Reload it to ask again.</p>
        <button type="button" onClick={() => window.close()}>
          Close
        </button>
      </main>
    )
  }
  if (details.link !== undefined)
    return <LinkPrompt details={details} link={details.link} onDecide={onDecide} busy={busy} />
  return (
    <main class="prompt">
      <h1>Join ghost chats?</h1>
      <p class="origin" data-testid="origin">
        {details.origin}
      </p>
      <p>
        wants to open the space <strong data-testid="space">{details.space}</strong> and chat in its
        rooms as
      </p>
      <Identity did={details.did} />
      {details.relays.length > 0 && (
        <div class="relays" data-testid="relays">
          <p>
            Its rooms also go through the site's own relays (they see who is in the room and what is
            said there, like your own relays do):
          </p>
          <ul>
            {details.relays.map((relay) => (
              <li key={relay}>
                <code>{relay}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p class="note">
        Messages are signed with this identity and sent peer to peer. Nothing is stored; people in
        the room see what you post while they are online.
      </p>
      <p class="note private" data-testid="private-note">
        <span aria-hidden="true">🔒</span> It may also open private rooms here: only people given a
        room's invite link can read them or see who is in them, and relays carry them without
        reading them.
      </p>
      <Decision onDecide={onDecide} busy={busy} />
    </main>
  )
}

/** A site asks to link a wallet account to the DID: what would be shown to everyone. */
function LinkPrompt({
  details,
  link,
  onDecide,
  busy = false,
}: PermissionPromptProps & { details: PromptDetails; link: NonNullable<PromptDetails['link']> }) {
  return (
    <main class="prompt">
      <h1>Link your wallet?</h1>
      <p class="origin" data-testid="origin">
        {details.origin}
      </p>
      <p>
        wants people on this site, in the rooms of{' '}
        <strong data-testid="space">{details.space}</strong>, to see the account
      </p>
      <p class="address" data-testid="link-address">
        {link.address}
      </p>
      <p>
        (chain <span data-testid="link-chain">{link.chainId}</span>) beside your identity
      </p>
      <Identity did={details.did} />
      <p class="note">
        Your wallet asks you to sign next. You can unlink at any time; the link ends after{' '}
        {LINK_VALID_DAYS} days.
      </p>
      <Decision onDecide={onDecide} busy={busy} />
    </main>
  )
}

/** The DID the user would chat as, with the avatar it wears in the popup. */
function Identity({ did }: { did: string }) {
  return (
    <div class="identity">
      <Avatar did={did} />
      <p class="did" data-testid="did" title={did}>
        {did}
      </p>
    </div>
  )
}

function Decision({ onDecide, busy }: Pick<PermissionPromptProps, 'onDecide' | 'busy'>) {
  return (
    <div class="actions">
      <button type="button" class="deny" disabled={busy} onClick={() => onDecide(false)}>
        Deny
      </button>
      <button type="button" class="allow" disabled={busy} onClick={() => onDecide(true)}>
        Allow
      </button>
    </div>
  )
}
