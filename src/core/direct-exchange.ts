import { DIRECT_PROTOCOL } from './constants.js'
import { DirectMessageFailedError, NotAMemberError } from './errors.js'
import type { SignedClaims, UnsignedClaims } from './jwt.js'
import type { PeerRoute } from './members.js'
import { type Post, toPost } from './post.js'
import type { ReceiptRules } from './receipt-rules.js'
import { requestEach } from './request-each.js'
import { DirectResponse } from './schema.js'
import { assertDid } from './thread-arguments.js'
import type { PubSubTransport } from './transport.js'
import { decodeUtf8, encodeUtf8 } from './utf8.js'

/**
 * The sender's side of the direct protocol (`/ghost-threads/direct/2.0.0`): one DM JWT to every peer hosting
 * the recipient's DID, each answered with a status. 3box sent DMs to a peer id and
 * kept them in the backlog; here they go to a DID's peers only and are never stored.
 */

export interface SendDirectInit {
  peers: readonly PeerRoute[]
  jwt: string
  transport: PubSubTransport
  timeoutMs: number
}

export interface PostDirectlyInit {
  topic: string
  /** The recipient's peers (none: it is not a member). */
  peers: readonly PeerRoute[]
  transport: PubSubTransport
  timeoutMs: number
  sign: <C extends UnsignedClaims>(claims: C) => Promise<{ jwt: string; claims: SignedClaims<C> }>
}

/**
 * A thread's direct message to `to` (a DID, checked here): signed, sent to each of
 * its peers, and the post it made, or a named error when no peer took it.
 */
export async function postDirectly(
  message: Post['message'],
  to: string,
  init: PostDirectlyInit,
): Promise<Post> {
  assertDid(to)
  if (init.peers.length === 0) throw new NotAMemberError()
  const { jwt, claims } = await init.sign({
    type: 'chat' as const,
    room: init.topic,
    message,
    to,
  })
  const outcomes = await sendDirect({ ...init, jwt })
  if (!outcomes.includes('ok')) {
    throw new DirectMessageFailedError(
      `The direct message was not delivered (${outcomes.join('; ')}); the member may have just left, try again`,
    )
  }
  return toPost(jwt, claims)
}

/** One outcome per peer: 'ok', or why that peer did not take the message. */
export async function sendDirect(init: SendDirectInit): Promise<string[]> {
  const answers = await requestEach(
    init.transport,
    init.peers,
    DIRECT_PROTOCOL,
    encodeUtf8(init.jwt),
    init.timeoutMs,
  )
  return answers.map((answer) =>
    answer.status === 'fulfilled'
      ? outcomeOf(answer.value)
      : String((answer.reason as Error)?.message ?? answer.reason),
  )
}

function outcomeOf(answer: Uint8Array): string {
  try {
    const parsed = DirectResponse.safeParse(JSON.parse(decodeUtf8(answer) ?? ''))
    if (parsed.success) return parsed.data.ok ? 'ok' : parsed.data.error
  } catch {
    // fall through: not JSON
  }
  return 'malformed answer'
}

/**
 * The receiver's side: a DM JWT checked by the receipt rules for its room and for us
 * (`audience`), handed on as a post when it holds; the answer says why when not.
 */
export async function receiveDirect(
  jwt: string,
  expect: { topic: string; from: string; audience: string; rules: ReceiptRules },
  deliver: (post: Post) => void,
): Promise<DirectResponse> {
  const { topic, from, audience, rules } = expect
  const verdict = await rules.check(jwt, { topic, channel: 'direct', from, audience })
  if (verdict.action !== 'accept') return { ok: false, error: verdict.reason }
  if (verdict.message.claims.type !== 'chat') return { ok: false, error: 'wrong-channel' }
  deliver(await toPost(jwt, verdict.message.claims))
  return { ok: true }
}
