/**
 * A post's reactions, as the popup and the widget show them: each emoji with its count
 * (who, in the tooltip and the accessible name; pressed when the viewer is among them, and
 * pressing adds or takes back the viewer's), and, while `picking`, the quick choices.
 */
import type { PostReactions } from '../core/post-reactions.js'
import { QUICK_REACTIONS } from './constants.js'

export interface ReactionsProps {
  reactions: PostReactions | undefined
  /** The viewer's DID (its own reactions are pressed, named "you"). */
  viewer: string | undefined
  /** How a reactor is named where the reactions are shown. */
  nameOf: (did: string) => string
  picking: boolean
  /** An emoji was pressed or picked: add the viewer's, or take it back. */
  onReact: (emoji: string) => void
  /** A pick was made: the quick choices close. */
  onPicked: () => void
}

export function Reactions(props: ReactionsProps) {
  const { reactions, viewer, picking } = props
  if (!picking && (reactions?.length ?? 0) === 0) return null
  return (
    <div class="reactions">
      {reactions?.map((reaction) => {
        const mine = viewer !== undefined && reaction.dids.includes(viewer)
        const from = reaction.dids.map((did) => (did === viewer ? 'you' : props.nameOf(did)))
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
            onClick={() => props.onReact(reaction.emoji)}
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
              props.onPicked()
              props.onReact(emoji)
            }}
          >
            {emoji}
          </button>
        ))}
    </div>
  )
}
