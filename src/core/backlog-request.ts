import { BACKLOG_PROTOCOL, MAX_BACKLOG_ENTRIES, MAX_BACKLOG_RESPONSE_BYTES } from './constants.js'
import type { PeerRoute } from './members.js'
import { readJson } from './read-json.js'
import type { ReceiptRules, VerifiedMessage } from './receipt-rules.js'
import { requestEach } from './request-each.js'
import { BacklogResponse } from './schema.js'
import type { PubSubTransport } from './transport.js'
import { encodeUtf8 } from './utf8.js'

/**
 * The newcomer's side of the backlog protocol (`/ghost-threads/backlog/2.0.0`): ask a few
 * peers at once, keep only answers to our own request, and re-verify every entry (the
 * answering side is backlog-server.ts). 3box accepted unsigned
 * backlog JSON, so any peer could forge posts by anyone; here an entry is a JWT its author
 * signed for this room, or it is dropped.
 */

export interface FetchBacklogInit {
  peers: readonly PeerRoute[]
  /** Our signed `request_backlog` JWT and its `jti`, which an answer must echo. */
  request: string
  requestId: string
  topic: string
  transport: PubSubTransport
  rules: ReceiptRules
  timeoutMs: number
}

/**
 * The verified entries of every answer, how many peers answered our request, and whether
 * one said its posts were all of the room's (a relay's word: the caller decides whose counts).
 */
export async function fetchBacklog(init: FetchBacklogInit): Promise<{
  accepted: VerifiedMessage[]
  answered: number
  complete: boolean
  /** The room is a crowd at one of our relays (its word only counts: a member's does not). */
  crowd?: { members: number }
}> {
  const request = encodeUtf8(init.request)
  const answers = await requestEach(
    init.transport,
    init.peers,
    BACKLOG_PROTOCOL,
    request,
    init.timeoutMs,
  )
  const entries = new Set<string>()
  let answered = 0
  let complete = false
  let crowd: { members: number } | undefined
  const ourRelays = new Set(init.transport.routes?.() ?? [])
  answers.forEach((answer, i) => {
    if (answer.status !== 'fulfilled') return
    const own = entriesOf(answer.value, init.requestId)
    if (own === undefined) return
    answered++
    complete ||= own.complete
    if (own.crowd !== undefined && ourRelays.has(init.peers[i]?.peer ?? ''))
      crowd = { members: Math.max(crowd?.members ?? 0, own.crowd.members) }
    for (const entry of own.entries) entries.add(entry)
  })
  const verdicts = await Promise.all(
    [...entries].map((entry) =>
      init.rules.check(entry, { topic: init.topic, channel: 'backlog-entry' }),
    ),
  )
  return {
    accepted: verdicts.flatMap((verdict) => (verdict.action === 'accept' ? [verdict.message] : [])),
    answered,
    complete,
    ...(crowd === undefined ? {} : { crowd }),
  }
}

/**
 * The entries of one answer to our request; undefined when it is malformed, too large or
 * not for our request (an empty `request` means "cannot answer": not in the room).
 */
function entriesOf(
  answer: Uint8Array,
  requestId: string,
): { entries: string[]; complete: boolean; crowd?: { members: number } } | undefined {
  const parsed = readJson(answer, MAX_BACKLOG_RESPONSE_BYTES, BacklogResponse)
  if (parsed?.request !== requestId) return undefined
  const { entries, complete, crowd } = parsed
  return {
    entries: entries.slice(0, MAX_BACKLOG_ENTRIES),
    complete: complete === true && entries.length <= MAX_BACKLOG_ENTRIES,
    ...(crowd === undefined ? {} : { crowd }),
  }
}

/** Up to `count` of `peers`, chosen at random so no member answers every newcomer. */
export function pickPeers<T>(peers: readonly T[], count: number): T[] {
  const pool = [...peers]
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[pool[i], pool[j]] = [pool[j] as T, pool[i] as T]
  }
  return pool.slice(0, count)
}

/** `asked` members at random, not those to `avoid` (they did not answer) while others are left. */
export function membersToAsk<T extends { peer: string }>(
  members: readonly T[],
  { asked = 1, avoid }: { asked?: number; avoid?: ReadonlySet<string> },
): T[] {
  const fresh = avoid === undefined ? members : members.filter((route) => !avoid.has(route.peer))
  return pickPeers(fresh.length > 0 ? fresh : members, asked)
}
