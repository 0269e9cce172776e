/** The popup: connection status on top, then rooms or settings. */
import { useEffect, useState } from 'preact/hooks'
import type { PopupStore } from '../store.js'
import { PermissionList } from './PermissionList.js'
import { RelaySettings } from './RelaySettings.js'
import { RoomList } from './RoomList.js'
import { StatusBar } from './StatusBar.js'

/** Rooms come and go as tabs join and leave; the popup looks again this often. */
const REFRESH_MS = 1_000

export function App({ store }: { store: PopupStore }) {
  const [view, setView] = useState<'rooms' | 'settings'>('rooms')
  useEffect(() => {
    void store.refresh()
    void store.loadSettings()
    const timer = setInterval(() => void store.refresh(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [store])
  return (
    <div class="popup">
      <StatusBar status={store.status.value} error={store.statusError.value} />
      <nav>
        <button type="button" aria-pressed={view === 'rooms'} onClick={() => setView('rooms')}>
          Rooms
        </button>
        <button
          type="button"
          aria-pressed={view === 'settings'}
          onClick={() => setView('settings')}
        >
          Settings
        </button>
      </nav>
      {view === 'rooms' ? (
        <RoomList rooms={store.status.value?.threads ?? []} />
      ) : (
        <div class="settings">
          <h2>Relays</h2>
          <RelaySettings settings={store.settings.value} onSave={store.saveRelays} />
          <h2>Sites</h2>
          <PermissionList
            entries={store.permissions.value}
            onRevoke={(origin, space) => void store.revoke(origin, space)}
          />
        </div>
      )}
    </div>
  )
}
