/** The popup: connection status on top, then rooms (or one open room) or settings. */
import { useEffect, useState } from 'preact/hooks'
import type { PopupStore } from '../store.js'
import { BlockList } from './BlockList.js'
import { IdentitySettings } from './IdentitySettings.js'
import { KeptRooms } from './KeptRooms.js'
import { PermissionList } from './PermissionList.js'
import { RelaySettings } from './RelaySettings.js'
import { RoomList } from './RoomList.js'
import { RoomView } from './RoomView.js'
import { StatusBar } from './StatusBar.js'

export function App({ store }: { store: PopupStore }) {
  const [view, setView] = useState<'rooms' | 'settings'>('rooms')
  useEffect(() => {
    const watching = new AbortController()
    void store.watchStatus(watching.signal)
    void store.loadSettings()
    return () => watching.abort()
  }, [store])
  const inRoom = view === 'rooms' && store.selected.value !== undefined
  const settings = store.settings.value
  return (
    <div class={`popup${inRoom ? ' in-room' : ''}`}>
      <StatusBar
        status={store.status.value}
        error={store.statusError.value}
        onRetry={store.redial}
      />
      <nav>
        <button
          type="button"
          aria-pressed={view === 'rooms'}
          onClick={() => {
            // From another tab: back to where the user was; on Rooms already: to the list.
            if (view === 'rooms') store.openRoom(undefined)
            setView('rooms')
          }}
        >
          Rooms
        </button>
        <button
          type="button"
          aria-pressed={view === 'settings'}
          onClick={() => {
            setView('settings')
            void store.loadSettings()
          }}
        >
          Settings
        </button>
      </nav>
      {view === 'rooms' ? (
        inRoom ? (
          <RoomView store={store} />
        ) : (
          <RoomList rooms={store.status.value?.threads ?? []} onOpen={store.openRoom} />
        )
      ) : (
        <div class="settings">
          <h2>Relays</h2>
          <RelaySettings settings={settings} onSave={store.saveRelays} />
          <h2>Sites</h2>
          <PermissionList
            entries={store.permissions.value}
            onRevoke={(origin, space) => void store.revoke(origin, space)}
          />
          <h2>Blocked</h2>
          <BlockList
            blocked={settings?.blocked ?? []}
            onUnblock={(did) => void store.block(did, false)}
          />
          <h2>Kept private rooms</h2>
          <KeptRooms store={store} />
          <h2>Identity</h2>
          <IdentitySettings
            identities={store.identities.value}
            onExport={store.exportPhrase}
            onImport={store.importPhrase}
          />
          <h2>About</h2>
          <p class="about">
            Ghost Threads {store.version}: ephemeral peer-to-peer chat for any site. Messages live
            only in memory, in this browser and its peers; no message is written to disk.
          </p>
        </div>
      )}
    </div>
  )
}
