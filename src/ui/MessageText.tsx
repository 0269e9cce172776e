/**
 * A message's text as people read it in the popup and the widget: plain runs as text
 * nodes (never markup), http(s) links that open in a new tab without a referrer, and
 * mentions marked (the reader's own more strongly). message-text.ts does the splitting.
 */
import type { TextPart } from './message-text.js'

export function MessageText({ parts }: { parts: readonly TextPart[] }) {
  return (
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
  )
}
