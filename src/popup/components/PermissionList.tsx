/**
 * Which site may use which space, with a way to take the decision back; with each grant,
 * the relays the site named and the wallet account linked there (revoking forgets both).
 */
import type { PermissionEntry } from '../../shared/permission-entry.js'
import { shortAddress } from '../../ui/did-display.js'

export function PermissionList({
  entries,
  onRevoke,
}: {
  entries: PermissionEntry[]
  onRevoke: (origin: string, space: string) => void
}) {
  if (entries.length === 0) return <p class="empty">No site has asked yet.</p>
  return (
    <ul class="permissions">
      {entries.map((entry) => (
        <li key={`${entry.origin} ${entry.space}`}>
          <span class="origin">{entry.origin}</span>
          <span class="space">{entry.space}</span>
          <span class={`decision ${entry.decision}`}>
            {entry.decision === 'allow' ? 'allowed' : 'denied'}
          </span>
          {entry.linkedAddress !== undefined && (
            <span class="linked" title={`Wallet linked on this site: ${entry.linkedAddress}`}>
              wallet {shortAddress(entry.linkedAddress)}
            </span>
          )}
          {entry.relays !== undefined && (
            <ul class="site-relays" aria-label={`Relays ${entry.origin} named`}>
              {entry.relays.map((relay) => (
                <li key={relay}>{relay}</li>
              ))}
            </ul>
          )}
          <button
            type="button"
            onClick={() => onRevoke(entry.origin, entry.space)}
            aria-label={`${entry.decision === 'allow' ? 'Revoke' : 'Forget'} ${entry.origin} in ${entry.space}`}
          >
            {entry.decision === 'allow' ? 'Revoke' : 'Forget'}
          </button>
        </li>
      ))}
    </ul>
  )
}
