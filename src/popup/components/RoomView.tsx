/**
 * One open room: its tabs, its messages or members, who is typing, and a composer. While
 * open, the store keeps it current (watchRoom: a long poll the host answers as soon as
 * something changes); the host keeps the feed, the popup only a view.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import { shortDid } from '../../ui/did-display.js'
import { MemberColours } from '../../ui/member-colours.js'
import type { PopupStore } from '../store.js'
import { Composer } from './Composer.js'
import { MemberList } from './MemberList.js'
import { MessageList } from './MessageList.js'

/** Who is typing, in words (the popup names members by their short DID). */
export function typingWords(dids: readonly string[]): string {
  if (dids.length === 0) return ''
  if (dids.length === 1) return `${shortDid(dids[0] as string)} is typing…`
  if (dids.length === 2)
    return `${shortDid(dids[0] as string)} and ${shortDid(dids[1] as string)} are typing…`
  return 'Several people are typing…'
}

export function RoomView({ store }: { store: PopupStore }) {
  const [pane, setPane] = useState<'messages' | 'members'>('messages')
  const [notice, setNotice] = useState<string | undefined>()
  const [confirmLeave, setConfirmLeave] = useState(false)
  const ref = store.selected.value
  const room = store.room.value
  const error = store.roomError.value
  useEffect(() => {
    const watching = new AbortController()
    void store.watchRoom(watching.signal)
    return () => watching.abort()
  }, [store])
  // A colour per member of this room, no two alike, kept while the room is shown.
  const colours = useMemo(() => new MemberColours(), [ref?.space, ref?.room])
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
          <h2>
            {room?.private === true && (
              <span class="lock" title="Private: only people with its invite can read it">
                🔒{' '}
              </span>
            )}
            {ref.room}
          </h2>
          <span class="space">
            {ref.space}
            {room?.private === true && ' · private room'}
          </span>
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
      {room?.private === true && (
        <div class="private-bar">
          <span>Only people with its invite can read this room.</span>
          <button type="button" onClick={async () => setNotice(await store.copyInvite())}>
            Copy invite
          </button>
          <button
            type="button"
            aria-pressed={room.kept}
            title={
              room.kept
                ? 'Its invite is kept in Ghost Threads; press to forget it'
                : 'Keep its invite in Ghost Threads after you leave (stored beside your identity)'
            }
            onClick={async () => setNotice(await store.keepRoom(!room.kept))}
          >
            {room.kept ? 'Kept ✓' : 'Keep'}
          </button>
        </div>
      )}
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
          {room === undefined ? 'Members' : `Members · ${room.online} online`}
        </button>
      </div>
      {room === undefined ? (
        <p class="empty">{error === undefined ? 'Loading…' : ''}</p>
      ) : pane === 'messages' ? (
        <MessageList
          posts={room.posts}
          ownDid={room.did}
          hidden={room.hidden}
          colours={colours}
          reactions={room.reactions}
          seen={room.seen}
          onBlock={(did) => void block(did)}
          onReact={async (postId, emoji) => {
            const failure = await store.react(postId, emoji)
            if (failure !== undefined) setNotice(failure)
          }}
        />
      ) : (
        <MemberList
          members={room.members}
          ownDid={room.did}
          colours={colours}
          onBlock={(did, blocked) => void block(did, blocked)}
        />
      )}
      <p class="typing" aria-live="polite">
        {room === undefined ? '' : typingWords(room.typing)}
      </p>
      <Composer
        onSend={(text) => store.post(text)}
        onType={store.typed}
        disabled={room === undefined}
      />
    </section>
  )
}
