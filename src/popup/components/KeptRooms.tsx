/**
 * Settings → Kept private rooms: the private rooms whose invites the user chose to keep
 * (beside the seed; every other invite lives in memory only), each with Copy invite and
 * Forget. Loaded when Settings opens.
 */
import { useEffect, useState } from 'preact/hooks'
import type { RoomRef } from '../../shared/manage-requests.js'
import type { PopupStore } from '../store.js'

export function KeptRooms({ store }: { store: PopupStore }) {
  const [rooms, setRooms] = useState<RoomRef[] | undefined>()
  const [notice, setNotice] = useState<string | undefined>()
  const load = async () => {
    const outcome = await store.keptRooms()
    setRooms(outcome.ok ? outcome.result : [])
    if (!outcome.ok) setNotice(outcome.error.message)
  }
  useEffect(() => {
    void load()
  }, [store])
  if (rooms === undefined) return <p class="empty">Loading…</p>
  return (
    <div class="kept-rooms">
      {rooms.length === 0 ? (
        <p class="empty">
          No private room is kept. Open one and press Keep to find its invite here after you leave
          it.
        </p>
      ) : (
        <ul aria-label="kept private rooms">
          {rooms.map((room) => (
            <li key={room.topic}>
              <span class="name">
                <span aria-hidden="true">🔒 </span>
                {room.room} <span class="kept-space">· {room.space}</span>
              </span>
              <button
                type="button"
                onClick={async () => setNotice(await store.copyKeptInvite(room))}
                aria-label={`Copy the invite of ${room.room}`}
              >
                Copy invite
              </button>
              <button
                type="button"
                onClick={async () => {
                  setNotice((await store.forgetRoom(room)) ?? `${room.room} forgotten.`)
                  await load()
                }}
                aria-label={`Forget ${room.room}`}
              >
                Forget
              </button>
            </li>
          ))}
        </ul>
      )}
      {notice !== undefined && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
    </div>
  )
}
