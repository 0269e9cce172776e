import { MAX_EMOJI_BYTES } from './constants.js'
import { encodeUtf8 } from './utf8.js'

/**
 * What a reaction may be: one emoji as people type them — a pictograph with its modifiers
 * and joiners (👍🏽, 👩‍👩‍👧), a flag (two regional indicators) or a keycap (1️⃣) — and no
 * text: a reaction is shown beside a post to everyone, so words would be a second channel
 * for posts that bypasses their size and rate limits.
 */
const EMOJI_ONLY =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|[#*0-9]|\ufe0f|\u20e3|[\u{e0020}-\u{e007f}]|\u200d)+$/u
const SOME_PICTURE = /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20e3/u

export function isReactionEmoji(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    encodeUtf8(value).length <= MAX_EMOJI_BYTES &&
    EMOJI_ONLY.test(value) &&
    SOME_PICTURE.test(value) &&
    graphemes(value) === 1
  )
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

function graphemes(value: string): number {
  let count = 0
  for (const _ of segmenter.segment(value)) count++
  return count
}
