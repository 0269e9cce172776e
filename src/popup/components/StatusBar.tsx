/** Always visible: is a relay connected, how many peers, how many of them direct. */
import { useState } from 'preact/hooks'
import type { HostStatus } from '../../shared/messengers.js'

export function StatusBar({
  status,
  error,
  onRetry,
}: {
  status: HostStatus | undefined
  error?: string
  onRetry: () => Promise<string | undefined>
}) {
  const [retrying, setRetrying] = useState(false)
  const [retryError, setRetryError] = useState<string | undefined>()
  const retry = (
    <button
      type="button"
      disabled={retrying}
      onClick={async () => {
        setRetrying(true)
        setRetryError(await onRetry())
        setRetrying(false)
      }}
    >
      {retrying ? 'Retrying…' : 'Retry now'}
    </button>
  )
  if (error !== undefined)
    return (
      <div class="banner error" role="alert">
        The extension's host did not answer: {error} {retry}
      </div>
    )
  if (status === undefined) return <div class="status">Connecting…</div>
  const connected = status.relays.filter((relay) => relay.connected).length
  // Each space connects on its own once a page joins one of its rooms (space-network.ts);
  // peers counted with no room open are the last room's, closing: nothing to report.
  if (status.threads.length === 0)
    return (
      <div class="status" role="status">
        <span class="dot" aria-hidden="true" /> No room open · the extension connects to a relay
        when a page joins a room
      </div>
    )
  if (connected === 0)
    return (
      <div class="banner warning" role="alert">
        No relay reachable ({status.relays.length} configured). Rooms keep working over direct
        connections; new peers cannot be found until a relay answers. The extension keeps trying;
        check the relay addresses in Settings. {retry}
        {retryError !== undefined && <span class="error"> {retryError}</span>}
      </div>
    )
  return (
    <div class="status" role="status">
      <span class="dot online" aria-hidden="true" /> relay connected · {status.connections}{' '}
      {status.connections === 1 ? 'peer' : 'peers'} · {status.directPeers} direct
    </div>
  )
}
