/** Every room open in any tab, grouped by space, with the sites using it and what is unread. */
import type { RoomRef } from '../../shared/manage-requests.js'
import type { HostStatus } from '../../shared/messengers.js'

type Room = HostStatus['threads'][number]

export function RoomList({ rooms, onOpen }: { rooms: Room[]; onOpen: (room: RoomRef) => void }) {
  if (rooms.length === 0)
    return <p class="empty">No rooms open. A room appears here when a page joins one.</p>
  const spaces = new Map<string, Room[]>()
  for (const room of rooms) spaces.set(room.space, [...(spaces.get(room.space) ?? []), room])
  return (
    <div class="rooms">
      {[...spaces].map(([space, inSpace]) => (
        <section key={space} aria-label={`space ${space}`}>
          <h2>{space}</h2>
          <ul>
            {inSpace.map((room) => (
              <li key={room.topic}>
                <button
                  type="button"
                  class="room"
                  onClick={() => onOpen({ space: room.space, room: room.room, topic: room.topic })}
                  aria-label={`Open ${room.private ? 'private room ' : ''}${room.room}${room.unread > 0 ? `, ${room.unread} unread` : ''}`}
                >
                  <span class="name">
                    {room.private && (
                      <span class="lock" title="Private: only people with its invite can read it">
                        🔒{' '}
                      </span>
                    )}
                    {room.room}
                  </span>
                  <span class="count" title="members online">
                    {room.members} online{room.direct > 0 ? ` · ${room.direct} direct` : ''}
                  </span>
                  <span class="origins">{room.owners.join(', ')}</span>
                  {room.unread > 0 && (
                    <span class="unread" title="unread messages">
                      {room.unread > 99 ? '99+' : room.unread}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  )
}
