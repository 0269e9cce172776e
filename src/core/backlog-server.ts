/**
 * The answering side of the backlog protocol (`/ghost-threads/backlog/2.0.0`), once for
 * peers and relays: a newcomer's signed `request_backlog` is checked by the receipt rules,
 * held to the requester's answer budget, and answered from the room it names with who is
 * here and the recent posts. A peer answers from its thread, a relay from its room roster;
 * both are a BacklogSource. The newcomer's side is backlog-request.ts.
 */
import type { BacklogAnswerBudget } from './backlog-answer-budget.js'
import { MAX_BACKLOG_RESPONSE_BYTES, MAX_JWT_BYTES } from './constants.js'
import { peekRoom } from './jwt.js'
import type { ReceiptRules } from './receipt-rules.js'
import type { BacklogResponse, Claims } from './schema.js'
import { decodeUtf8 } from './utf8.js'

export type BacklogRequest = Extract<Claims, { type: 'request_backlog' }>

/** What one room can tell a newcomer, as JWTs their authors signed. */
export interface BacklogSource {
  /** Each member's newest claim, of those heard from at or after `sinceMs`. */
  presences(sinceMs: number): string[]
  /** The recent posts, oldest first (only those dated from `sinceS` on, if given). */
  posts(nowMs: number, sinceS?: number): string[]
  /**
   * The signed reactions standing on its recent posts (a newcomer's counts): a bounded
   * number (the source's own limit), handed on after the posts when they fit.
   */
  reactions(): string[]
  /** Whether `posts` are all of the room's (a relay that heard it from its start). */
  readonly complete: boolean
  /**
   * A relay's crowd room (CROWD_ROOM_MEMBERS): how many members it holds; `presences` then
   * lists only the newest few. Undefined where the room is not a crowd.
   */
  crowd?(): { members: number } | undefined
  /** Page `page` (from 1) of a crowd room's whole member list (empty where none). */
  memberPage?(page: number): string[]
}

/**
 * What a request asked for: the member list and posts (a join's first question), who came
 * `since` (its follow-ups), or posts only.
 */
export type BacklogQuestion = 'members' | 'latecomers' | 'posts' | 'page'

function questionOf(request: BacklogRequest): BacklogQuestion {
  if (request.page !== undefined) return 'page'
  if (request.since !== undefined) return 'latecomers'
  return request.members === false ? 'posts' : 'members'
}

/** "Cannot answer": not in that room, or not for this requester now. */
export const NO_BACKLOG: BacklogResponse = { request: '', entries: [] }

export interface BacklogServerInit {
  rules: ReceiptRules
  budget: BacklogAnswerBudget
  /** The room of `topic`, where we are in it. */
  sourceFor: (topic: string) => BacklogSource | undefined
  now?: () => number
  /** A requester past its budget was refused an answer (for metrics). */
  onRefused?: (peer: string) => void
  /** A request was answered (for metrics). */
  onAnswered?: (question: BacklogQuestion) => void
}

export class BacklogServer {
  private readonly now: () => number

  constructor(private readonly init: BacklogServerInit) {
    this.now = init.now ?? Date.now
  }

  /** The answer to one request as it came off the stream (`from`: the requesting peer). */
  async answer(data: Uint8Array, from: string): Promise<BacklogResponse> {
    if (data.length > MAX_JWT_BYTES) return NO_BACKLOG
    const jwt = decodeUtf8(data)
    const topic = jwt === undefined ? undefined : peekRoom(jwt)
    const source = topic === undefined ? undefined : this.init.sourceFor(topic)
    if (jwt === undefined || topic === undefined || source === undefined) return NO_BACKLOG
    const verdict = await this.init.rules.check(jwt, { topic, channel: 'backlog-request', from })
    const request = verdict.action === 'accept' ? verdict.message.claims : undefined
    if (request?.type !== 'request_backlog') return NO_BACKLOG
    if (!this.init.budget.allows(topic, from, request.iss)) {
      this.init.onRefused?.(from)
      return NO_BACKLOG
    }
    // Looked up again: the room may have been left while the signature was checked.
    const still = this.init.sourceFor(topic)
    if (still === undefined) return NO_BACKLOG
    const answer = answerFrom(still, request, this.now())
    this.init.onAnswered?.(questionOf(request))
    return answer
  }
}

/**
 * The answer `source` gives `request`: every member's newest presence, and the newest
 * posts that fit, saying whether they are all of the room's. A request for latecomers
 * (`since`, a join's follow-ups) gets only what is dated from then on: the members heard
 * from since, and the posts made since. Those posts close the gap of a (re)join: what was
 * published after the first answer and before the relay's mesh held us reached nobody's
 * queue for us (a member back through another relay missed every post of that second).
 */
export function answerFrom(
  source: BacklogSource,
  request: BacklogRequest,
  nowMs: number,
): BacklogResponse {
  const crowd = source.crowd?.()
  const said = crowd === undefined ? {} : { crowd }
  if (request.page !== undefined) {
    const page = crowd === undefined ? [] : (source.memberPage?.(request.page) ?? [])
    return { request: request.jti, entries: fitAnswer(page, []).entries, ...said }
  }
  const presences = request.members === false ? [] : source.presences((request.since ?? 0) * 1000)
  const reactions = source.reactions()
  if (request.since !== undefined) {
    const fitted = fitAnswer(presences, source.posts(nowMs, request.since), reactions)
    return { request: request.jti, entries: fitted.entries, ...said }
  }
  const posts = source.posts(nowMs)
  const { entries, postsLeftOut } = fitAnswer(presences, posts, reactions)
  // Posts cut to fit the answer are not "all of the room's" any more.
  const complete = source.complete && postsLeftOut === 0
  return { request: request.jti, entries, ...(complete ? { complete } : {}), ...said }
}

/**
 * A backlog answer within MAX_BACKLOG_RESPONSE_BYTES: every presence (the member list is
 * what a newcomer needs most), then the newest posts that still fit, then the newest
 * reactions that still fit.
 */
export function fitAnswer(
  presences: string[],
  posts: string[],
  reactions: string[] = [],
): { entries: string[]; postsLeftOut: number } {
  let budget = MAX_BACKLOG_RESPONSE_BYTES - 64
  const members: string[] = []
  for (const jwt of presences) {
    budget -= jwt.length + 3
    if (budget < 0) return { entries: members, postsLeftOut: posts.length }
    members.push(jwt)
  }
  const newestThatFit = (jwts: string[]) => {
    let first = jwts.length
    while (first > 0 && budget - ((jwts[first - 1]?.length ?? 0) + 3) >= 0) {
      first--
      budget -= (jwts[first]?.length ?? 0) + 3
    }
    return first
  }
  const firstPost = newestThatFit(posts)
  const firstReaction = newestThatFit(reactions)
  const entries = [...posts.slice(firstPost), ...members, ...reactions.slice(firstReaction)]
  return { entries, postsLeftOut: firstPost }
}
