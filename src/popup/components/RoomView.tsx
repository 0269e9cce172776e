/**
 * One open room: its tabs, its messages or members, and a composer. It asks the host for
 * what is new twice a second while open (the host keeps the feed, the popup only a view).
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { PopupStore } from '../store.js'
import { Composer } from './Composer.js'
import { MemberList } from './MemberList.js'
import { MessageList } from './MessageList.js'

export const ROOM_REFRESH_MS = 500

export function RoomView({ store }: { store: PopupStore }) {
  const [pane, setPane] = useState<'messages' | 'members'>('messages')
  const [notice, setNotice] = useState<string | undefined>()
  const [confirmLeave, setConfirmLeave] = useState(false)
  const back = useRef<HTMLButtonElement>(null)
  const ref = store.selected.value
  const room = store.room.value
  const error = store.roomError.value
  useEffect(() => {
    const timer = setInterval(() => void store.refreshRoom(), ROOM_REFRESH_MS)
    return () => clearInterval(timer)
  }, [store])
  if (ref === undefined) return null
  const block = async (did: string, blocked = true) => {
    const failure = await store.block(did, blocked)
    setNotice(
      failure ?? (blocked ? 'Blocked: their messages are hidden everywhere.' : 'Unblocked.'),
    )
  }
  return (
    <section
      class="room-view"
      aria-label={`room ${ref.room}`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') store.openRoom(undefined)
      }}
    >
      <header>
        <button
          type="button"
          ref={back}
          class="back"
          onClick={() => store.openRoom(undefined)}
          aria-label="Back to rooms"
        >
          ←
        </button>
        <div class="title">
          <h2>{ref.room}</h2>
          <span class="space">{ref.space}</span>
        </div>
        {confirmLeave ? (
          <span class="confirm">
            <button
              type="button"
              class="danger"
              onClick={async () => setNotice(await store.leave())}
            >
              Leave for all tabs
            </button>
            <button type="button" onClick={() => setConfirmLeave(false)}>
              Stay
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirmLeave(true)}>
            Leave
          </button>
        )}
      </header>
      {room !== undefined && room.tabs.length > 0 && (
        <ul class="tabs" aria-label="tabs in this room">
          {room.tabs.map((tab) => (
            <li key={`${tab.tabId} ${tab.origin}`}>
              <button
                type="button"
                class="link"
                onClick={() => void store.showTab(tab.tabId)}
                title="Show this tab"
              >
                {tab.origin}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error !== undefined && (
        <p class="banner error" role="alert">
          {error}
        </p>
      )}
      {notice !== undefined && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <div class="panes" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={pane === 'messages'}
          onClick={() => setPane('messages')}
        >
          Messages
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={pane === 'members'}
          onClick={() => setPane('members')}
        >
          Members {room === undefined ? '' : `(${room.members.filter((m) => m.online).length})`}
        </button>
      </div>
      {room === undefined ? (
        <p class="empty">{error === undefined ? 'Loading…' : ''}</p>
      ) : pane === 'messages' ? (
        <MessageList
          posts={room.posts}
          ownDid={room.did}
          hidden={room.hidden}
          onBlock={(did) => void block(did)}
        />
      ) : (
        <MemberList
          members={room.members}
          ownDid={room.did}
          onBlock={(did, blocked) => void block(did, blocked)}
        />
      )}
      <Composer onSend={(text) => store.post(text)} disabled={room === undefined} />
    </section>
  )
}
