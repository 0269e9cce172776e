/**
 * A message's text as the widget and the popup show it: plain runs, links and mentions. Links are made
 * only of http(s) URLs the URL parser accepts (no `javascript:`, `data:` or look-alikes
 * with other schemes); everything is rendered as text nodes, never as HTML.
 */

export type TextPart =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string; you: boolean }

/** http(s)://… up to whitespace; trailing punctuation is left out of the link. */
const LINK = /\bhttps?:\/\/[^\s<>"]+/gi
const TRAILING = /[.,;:!?)\]}'"]+$/
/** `@name`: letters, digits, `_`, `-`, `.` and `…` (a short DID or account reads so). */
const MENTION = /(^|\s)(@[\p{L}\p{N}_.…-]{2,64})/gu

/** The link for `candidate`, or undefined when it is not a plain http(s) URL. */
export function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
    if (url.username !== '' || url.password !== '') return undefined
    return url.href
  } catch {
    return undefined
  }
}

function mentionsIn(text: string, yourNames: readonly string[]): TextPart[] {
  const parts: TextPart[] = []
  let at = 0
  for (const match of text.matchAll(MENTION)) {
    const lead = match[1] ?? ''
    const mention = match[2] ?? ''
    const start = (match.index ?? 0) + lead.length
    if (start > at) parts.push({ kind: 'text', text: text.slice(at, start) })
    const name = mention.slice(1).toLowerCase()
    parts.push({
      kind: 'mention',
      text: mention,
      you: yourNames.some((yours) => yours.toLowerCase() === name),
    })
    at = start + mention.length
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) })
  return parts
}

/** Splits `text` into its parts; `yourNames` are the names a mention of you may use. */
export function partsOf(text: string, yourNames: readonly string[] = []): TextPart[] {
  const parts: TextPart[] = []
  let at = 0
  for (const match of text.matchAll(LINK)) {
    const raw = match[0]
    const candidate = raw.replace(TRAILING, '')
    const start = match.index ?? 0
    const href = safeHref(candidate)
    if (href === undefined) continue
    if (start > at) parts.push(...mentionsIn(text.slice(at, start), yourNames))
    parts.push({ kind: 'link', text: candidate, href })
    at = start + candidate.length
  }
  if (at < text.length) parts.push(...mentionsIn(text.slice(at), yourNames))
  return parts
}
