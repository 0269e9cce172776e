/** Always visible: is a relay connected, how many peers, how many of them direct. */
import type { HostStatus } from '../../shared/messengers.js'

export function StatusBar({ status, error }: { status: HostStatus | undefined; error?: string }) {
  if (error !== undefined)
    return (
      <div class="banner error" role="alert">
        The extension's host did not answer: {error}
      </div>
    )
  if (status === undefined) return <div class="status">Connecting…</div>
  const connected = status.relays.filter((relay) => relay.connected).length
  if (connected === 0)
    return (
      <div class="banner warning" role="alert">
        No relay reachable ({status.relays.length} configured). Rooms keep working over direct
        connections; new peers cannot be found until a relay answers. Retrying on its own; check the
        relay addresses in Settings.
      </div>
    )
  return (
    <div class="status" role="status">
      <span class="dot online" aria-hidden="true" /> relay connected · {status.connections}{' '}
      {status.connections === 1 ? 'peer' : 'peers'} · {status.directPeers} direct
    </div>
  )
}
