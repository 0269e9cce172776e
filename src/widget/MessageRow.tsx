/**
 * One message: the author's mark and name, the time, the text with safe links and
 * mentions, its reactions (press one to add or take back yours, or pick another), and
 * under the newest, how many have seen it.
 */
import { useState } from 'preact/hooks'
import type { LinkedMember } from '../core/link-scope.js'
import type { PostReactions } from '../core/post-reactions.js'
import { Avatar } from '../ui/Avatar.js'
import { MessageText } from '../ui/MessageText.js'
import type { MemberColours } from '../ui/member-colours.js'
import { partsOf } from '../ui/message-text.js'
import { Reactions } from '../ui/Reactions.js'
import type { ChatLine } from './chat-store.js'
import { type AccountNames, nameOf, seenWords, timeOf } from './widget-words.js'

export interface MessageRowProps {
  line: ChatLine
  members: readonly LinkedMember[]
  colours: MemberColours
  yourNames: readonly string[]
  names: AccountNames
  you: string | undefined
  reactions: PostReactions | undefined
  /** Others who have seen it; given for the newest message only. */
  seen?: number
  onReact: (postId: string, emoji: string) => void
}

const DELIVERY_WORDS = { queued: 'not sent yet', dropped: 'not sent' } as const

export function MessageRow(props: MessageRowProps) {
  const { line, members, colours, yourNames, names } = props
  const [picking, setPicking] = useState(false)
  if (line.notice !== undefined)
    return (
      <li class="notice" role="note">
        {line.notice}
      </li>
    )
  const name = line.mine ? 'you' : nameOf(line.author, members, names)
  const seen = props.seen === undefined ? undefined : seenWords(props.seen)
  const time = timeOf(line.timestamp)
  const colour = colours.of(line.author)
  const parts = partsOf(line.text, yourNames)
  const mentionsYou = !line.mine && parts.some((part) => part.kind === 'mention' && part.you)
  const delivery =
    line.delivery === 'queued' || line.delivery === 'dropped'
      ? DELIVERY_WORDS[line.delivery]
      : undefined
  return (
    <li
      class={`line${line.mine ? ' mine' : ''}${line.to ? ' direct' : ''}${mentionsYou ? ' mentioned' : ''}`}
      data-post-id={line.postId}
    >
      <Avatar did={line.author} colour={colour} />
      <div class="body">
        <div class="meta">
          <span class="name" style={{ color: colour }} title={line.author}>
            {name}
          </span>
          {line.to && (
            <span class="tag">
              {line.mine ? `direct to ${nameOf(line.to, members, names)}` : 'direct to you'}
            </span>
          )}
          <time dateTime={new Date(line.timestamp * 1000).toISOString()} title={time.full}>
            {time.short}
          </time>
          {delivery && <span class={`delivery ${line.delivery}`}>{delivery}</span>}
          {!line.to && (
            <button
              type="button"
              class="add-reaction"
              aria-expanded={picking}
              aria-label="Add a reaction"
              title="Add a reaction"
              onClick={() => setPicking(!picking)}
            >
              ☺+
            </button>
          )}
        </div>
        <MessageText parts={parts} />
        {!line.to && (
          <Reactions
            reactions={props.reactions}
            viewer={props.you}
            nameOf={(did) => nameOf(did, members, names)}
            picking={picking}
            onReact={(emoji) => props.onReact(line.postId, emoji)}
            onPicked={() => setPicking(false)}
          />
        )}
        {seen && <p class="seen">{seen}</p>}
      </div>
    </li>
  )
}
