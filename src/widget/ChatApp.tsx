/**
 * The whole widget: header (room, people online, Leave), a banner when something needs
 * saying (connecting, offline with posts waiting, the room ended, permission denied), the
 * messages, who is online, and the composer. The message list stays at the newest message
 * unless the reader scrolled up; then new ones are counted on a button that jumps down.
 */

import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { JumpToNewest } from '../ui/JumpToNewest.js'
import { MemberColours } from '../ui/member-colours.js'
import type { ChatStore } from './chat-store.js'
import { AT_BOTTOM_PX } from './constants.js'
import { MemberPanel } from './MemberPanel.js'
import { MessageRow } from './MessageRow.js'
import { WidgetComposer } from './WidgetComposer.js'
import {
  connectionWords,
  mentionNames,
  nameOf,
  PRIVATE_WORDS,
  phaseWords,
  typingWords,
} from './widget-words.js'

export function ChatApp({ store, title }: { store: ChatStore; title: string }) {
  const phase = store.phase.value
  const lines = store.lines.value
  const members = store.members.value
  const you = store.did.value
  const names = store.names.value
  const online = store.online.value ?? members.length
  const typing = typingWords(store.typingNow().map((did) => nameOf(did, members, names)))
  const colours = useMemo(() => new MemberColours(), [])
  const list = useRef<HTMLOListElement>(null)
  const [atBottom, setAtBottom] = useState(true)
  const [seen, setSeen] = useState(0)
  const joined = phase.name === 'joined'
  const banner = joined
    ? connectionWords(store.connection.value.state, store.queued.value)
    : phaseWords(phase)
  const yourNames = you === undefined ? [] : mentionNames(you, members, names)
  const newest = lines.at(-1)

  // The newest message comes into view when the reader is at the bottom, or wrote it.
  useEffect(() => {
    const element = list.current
    if (element === null) return
    if (atBottom || newest?.mine) {
      element.scrollTop = element.scrollHeight
      setSeen(lines.length)
    }
  }, [lines.length, newest?.postId])

  const unseen = atBottom ? 0 : Math.max(0, lines.length - seen)
  const onScroll = () => {
    const element = list.current
    if (element === null) return
    const bottom = element.scrollHeight - element.scrollTop - element.clientHeight <= AT_BOTTOM_PX
    setAtBottom(bottom)
    if (bottom) setSeen(lines.length)
  }
  const jumpDown = () => {
    const element = list.current
    if (element !== null) element.scrollTop = element.scrollHeight
    setAtBottom(true)
    setSeen(lines.length)
  }

  return (
    <section class={`chat phase-${phase.name}`} aria-label={`Chat: ${title}`}>
      <header>
        <h1>{title}</h1>
        {store.isPrivate && (
          <span
            class="private"
            role="img"
            title={PRIVATE_WORDS.meaning}
            aria-label={PRIVATE_WORDS.meaning}
          >
            {PRIVATE_WORDS.mark}
          </span>
        )}
        {joined && <span class="online">{online === 1 ? '1 online' : `${online} online`}</span>}
        {joined && (
          <button type="button" class="leave" onClick={() => void store.leave()}>
            Leave
          </button>
        )}
      </header>
      {joined && banner && (
        <p class={`banner state-${store.connection.value.state}`} role="status">
          {banner}
        </p>
      )}
      {!joined && (
        <div class={`outside state-${phase.name}`}>
          <p role="status">{banner}</p>
          {(phase.name === 'ready' || phase.name === 'denied' || phase.name === 'ended') && (
            <button type="button" class="join" onClick={() => void store.join()}>
              {phase.name === 'ready' ? 'Join the chat' : 'Join again'}
            </button>
          )}
        </div>
      )}
      {joined && (
        <div class="room">
          <div class="messages">
            <ol
              ref={list}
              role="log"
              aria-live="polite"
              aria-label="Messages"
              onScroll={onScroll}
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log takes focus so keyboard users can scroll it (WCAG 2.1.1)
              tabIndex={0}
            >
              {lines.length === 0 && <li class="empty">No messages yet. Say hello!</li>}
              {lines.map((line) => (
                <MessageRow
                  key={line.postId}
                  line={line}
                  members={members}
                  colours={colours}
                  yourNames={yourNames}
                  names={names}
                  you={you}
                  reactions={store.reactionsOf(line.postId)}
                  {...(line === newest && !line.notice ? { seen: store.seenBy(line) } : {})}
                  onReact={(postId, emoji) =>
                    void store.toggleReaction(postId, emoji).catch(() => undefined)
                  }
                />
              ))}
            </ol>
            <JumpToNewest unseen={unseen} onJump={jumpDown} />
          </div>
          <MemberPanel
            members={members}
            you={you}
            colours={colours}
            names={names}
            online={online}
          />
          <p class="typing" aria-live="polite">
            {typing ?? ''}
          </p>
          <WidgetComposer
            members={members}
            you={you}
            names={names}
            onSend={store.send}
            onType={store.typed}
          />
        </div>
      )}
    </section>
  )
}
