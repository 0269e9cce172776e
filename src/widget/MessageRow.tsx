/** One message: the author's mark and name, the time, the text with safe links and mentions. */
import type { LinkedMember } from '../core/link-scope.js'
import { Avatar } from '../ui/Avatar.js'
import type { ChatLine } from './chat-store.js'
import type { MemberColours } from './member-colours.js'
import { partsOf } from './message-text.js'
import { nameOf, timeOf } from './widget-words.js'

export interface MessageRowProps {
  line: ChatLine
  members: readonly LinkedMember[]
  colours: MemberColours
  yourNames: readonly string[]
}

const DELIVERY_WORDS = { queued: 'not sent yet', dropped: 'not sent' } as const

export function MessageRow({ line, members, colours, yourNames }: MessageRowProps) {
  if (line.notice !== undefined)
    return (
      <li class="notice" role="note">
        {line.notice}
      </li>
    )
  const name = line.mine ? 'you' : nameOf(line.author, members)
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
              {line.mine ? `direct to ${nameOf(line.to, members)}` : 'direct to you'}
            </span>
          )}
          <time dateTime={new Date(line.timestamp * 1000).toISOString()} title={time.full}>
            {time.short}
          </time>
          {delivery && <span class={`delivery ${line.delivery}`}>{delivery}</span>}
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
      </div>
    </li>
  )
}
