import { BACKLOG_PROTOCOL, MAX_BACKLOG_ENTRIES, MAX_BACKLOG_RESPONSE_BYTES } from './constants.js'
import type { ReceiptRules, VerifiedMessage } from './receipt-rules.js'
import { requestEach } from './request-each.js'
import { BacklogResponse } from './schema.js'
import type { PubSubTransport } from './transport.js'
import { decodeUtf8, encodeUtf8 } from './utf8.js'

/**
 * The newcomer's side of `/ghost-threads/backlog/1.0.0`: ask a few peers at once, keep
 * only answers to our own request, and re-verify every entry. 3box accepted unsigned
 * backlog JSON, so any peer could forge posts by anyone; here an entry is a JWT its author
 * signed for this room, or it is dropped.
 */

export interface FetchBacklogInit {
  peers: string[]
  /** Our signed `request_backlog` JWT and its `jti`, which an answer must echo. */
  request: string
  requestId: string
  topic: string
  transport: PubSubTransport
  rules: ReceiptRules
  timeoutMs: number
}

/** The verified entries of every answer, and how many peers answered at all. */
export async function fetchBacklog(
  init: FetchBacklogInit,
): Promise<{ accepted: VerifiedMessage[]; answered: number }> {
  const request = encodeUtf8(init.request)
  const answers = await requestEach(
    init.transport,
    init.peers,
    BACKLOG_PROTOCOL,
    request,
    init.timeoutMs,
  )
  const entries = new Set<string>()
  for (const answer of answers) {
    if (answer.status !== 'fulfilled') continue
    for (const entry of entriesOf(answer.value, init.requestId)) entries.add(entry)
  }
  const verdicts = await Promise.all(
    [...entries].map((entry) =>
      init.rules.check(entry, { topic: init.topic, channel: 'backlog-entry' }),
    ),
  )
  return {
    accepted: verdicts.flatMap((verdict) => (verdict.action === 'accept' ? [verdict.message] : [])),
    answered: answers.filter((answer) => answer.status === 'fulfilled').length,
  }
}

/** The entries of one answer; none when it is malformed, too large or not for our request. */
function entriesOf(answer: Uint8Array, requestId: string): string[] {
  if (answer.length > MAX_BACKLOG_RESPONSE_BYTES) return []
  const text = decodeUtf8(answer)
  if (text === undefined) return []
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return []
  }
  const parsed = BacklogResponse.safeParse(json)
  if (!parsed.success || parsed.data.request !== requestId) return []
  return parsed.data.entries.slice(0, MAX_BACKLOG_ENTRIES)
}

/** Up to `count` of `peers`, chosen at random so no member answers every newcomer. */
export function pickPeers(peers: string[], count: number): string[] {
  const pool = [...peers]
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[pool[i], pool[j]] = [pool[j] as string, pool[i] as string]
  }
  return pool.slice(0, count)
}
