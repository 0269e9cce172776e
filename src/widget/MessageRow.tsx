/**
 * One message: the author's mark and name, the time, the text with safe links and
 * mentions, its reactions (press one to add or take back yours, or pick another), and
 * under the newest, how many have seen it.
 */
import { useState } from 'preact/hooks'
import type { LinkedMember } from '../core/link-scope.js'
import type { PostReactions } from '../core/post-reactions.js'
import { Avatar } from '../ui/Avatar.js'
import type { MemberColours } from '../ui/member-colours.js'
import { partsOf } from '../ui/message-text.js'
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

/** The emoji offered when adding a reaction (any one emoji is accepted on the wire). */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '🙏'] as const

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
  const who = (did: string) => (did === props.you ? 'you' : nameOf(did, members, names))
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
        <p class="text">
          {parts.map((part, i) =>
            part.kind === 'link' ? (
              <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
                {part.text}
              </a>
            ) : part.kind === 'mention' ? (
              <mark key={i} class={part.you ? 'mention you' : 'mention'}>
                {part.text}
              </mark>
            ) : (
              part.text
            ),
          )}
        </p>
        {!line.to && (picking || (props.reactions?.length ?? 0) > 0) && (
          <div class="reactions">
            {props.reactions?.map((reaction) => {
              const mine = props.you !== undefined && reaction.dids.includes(props.you)
              const from = reaction.dids.map(who)
              const more = reaction.count - from.length
              const list = more > 0 ? `${from.join(', ')} and ${more} more` : from.join(', ')
              return (
                <button
                  key={reaction.emoji}
                  type="button"
                  class={`reaction${mine ? ' mine' : ''}`}
                  aria-pressed={mine}
                  title={`${reaction.emoji} from ${list}`}
                  aria-label={`${reaction.emoji} ${reaction.count}, from ${list}; press to ${mine ? 'take yours back' : 'add yours'}`}
                  onClick={() => props.onReact(line.postId, reaction.emoji)}
                >
                  {reaction.emoji} {reaction.count}
                </button>
              )
            })}
            {picking &&
              QUICK_REACTIONS.map((emoji) => (
                <button
                  key={emoji}
                  type="button"
                  class="pick"
                  aria-label={`React with ${emoji}`}
                  onClick={() => {
                    setPicking(false)
                    props.onReact(line.postId, emoji)
                  }}
                >
                  {emoji}
                </button>
              ))}
          </div>
        )}
        {seen && <p class="seen">{seen}</p>}
      </div>
    </li>
  )
}
