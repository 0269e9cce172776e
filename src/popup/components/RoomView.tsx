/**
 * One open room: its tabs, its messages or members, and a composer. While open it asks the
 * host for what is new in a long poll: the host answers as soon as a post arrives, or after
 * ROOM_WAIT_MS with the members and tabs as they are (the host keeps the feed, the popup
 * only a view).
 */
import { useEffect, useState } from 'preact/hooks'
import type { PopupStore } from '../store.js'
import { Composer } from './Composer.js'
import { MemberList } from './MemberList.js'
import { MessageList } from './MessageList.js'

/** A waiting request answers after this long without posts, so members stay current. */
export const ROOM_WAIT_MS = 2_000
/** After a failed request (the room closed, the host restarting): this long till the next. */
const RETRY_MS = 1_000
/** An answer with nothing new that came sooner than this is not followed by another at once. */
const MIN_POLL_MS = 250

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function RoomView({ store }: { store: PopupStore }) {
  const [pane, setPane] = useState<'messages' | 'members'>('messages')
  const [notice, setNotice] = useState<string | undefined>()
  const [confirmLeave, setConfirmLeave] = useState(false)
  const ref = store.selected.value
  const room = store.room.value
  const error = store.roomError.value
  useEffect(() => {
    let open = true
    void (async () => {
      while (open) {
        const started = Date.now()
        const gotPosts = await store.refreshRoom(false, ROOM_WAIT_MS)
        if (store.roomError.value !== undefined || store.room.value === undefined)
          await sleep(RETRY_MS)
        else if (!gotPosts && Date.now() - started < MIN_POLL_MS) await sleep(MIN_POLL_MS)
      }
    })()
    return () => {
      open = false
    }
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
              onClick={async () => setNotice(await store.leaveRoom())}
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
