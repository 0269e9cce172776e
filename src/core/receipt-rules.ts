import QuickLRU from 'quick-lru'
import {
  BACKLOG_MAX_AGE_S,
  BACKLOG_REQUEST_MAX_AGE_S,
  DID_RATE_LIMIT,
  LINK_CHECK_RATE,
  LIVE_MAX_AGE_S,
  MAX_CLOCK_SKEW_S,
  MAX_JSON_DEPTH,
  MAX_JWT_BYTES,
  MAX_MEMBER_CLAIM_BYTES,
  MAX_MESSAGE_BYTES,
  PEER_RATE_LIMIT,
  REPLAY_WINDOW_S,
  SEEN_JTI_CAPACITY,
  SIGNAL_RATE_LIMITS,
  VERIFIED_JWTS_KEPT,
} from './constants.js'
import { UnsupportedDidError } from './did-key.js'
import { nestsDeeperThan } from './json-depth.js'
import { decodeCompactJwt } from './jwt.js'
import { type RateLimit, RateLimiter } from './rate-limit.js'
import { parseTopic } from './room-name.js'
import {
  Claims,
  describeSchemaError,
  isMessageType,
  JwtHeader,
  type MessageType,
  SIGNING_ALGS,
} from './schema.js'
import { SeenJtis } from './seen-jtis.js'
import { SignatureVerifier } from './signature.js'
import { decodeUtf8, encodeUtf8 } from './utf8.js'
import { type LinkedAccount, type LinkRefusal, LinkVerifier } from './wallet-link.js'

/**
 * The receipt rules: the one check every incoming JWT passes before anything else sees
 * it. The network layer runs it as the gossipsub topic validator, so a message that fails
 * is never forwarded, and `reject` costs the peer that handed it to us score (src/net's
 * peer penalties: pruned, then graylisted). So `reject` is kept for what no honest
 * forwarder passes on; what an honest one may (a clock ahead or behind ours, a message
 * type from a newer release, a copy) is `ignore`d.
 */

/** Where a JWT arrived, which decides the types allowed and how old they may be. */
export type Channel = 'pubsub' | 'direct' | 'backlog-request' | 'backlog-entry'

export type RejectReason =
  | 'oversized'
  | 'malformed-jwt'
  | 'malformed-base64'
  | 'malformed-json'
  | 'unknown-alg'
  | 'unknown-type'
  | 'invalid-claims'
  | 'wrong-channel'
  | 'wrong-room'
  | 'wrong-audience'
  | 'future-iat'
  | 'too-old'
  | 'duplicate'
  | 'unsupported-issuer'
  | 'bad-signature'
  | 'rate-limited-peer'
  | 'rate-limited-did'
  | 'replay-window-full'
  | 'rate-limited-link'
  | 'rate-limited-signal'
  | LinkRefusal

export interface VerifiedMessage {
  jwt: string
  claims: Claims
  /** A join or presence whose wallet link verified: the account it names, and where. */
  account?: LinkedAccount
}

export type Verdict =
  | { action: 'accept'; message: VerifiedMessage }
  | { action: 'reject' | 'ignore'; reason: RejectReason; detail: string }

export interface Expectation {
  /** The topic the JWT must be bound to (its `room` claim). */
  topic: string
  channel: Channel
  /** The peer the bytes came from (gossipsub's propagation source, the stream's remote). */
  from?: string
  /** `from` is a relay, which limited its own clients: no per-peer limit here. */
  fromRelay?: boolean
  /** On the direct channel: our own DID, which the message's `to` must name. */
  audience?: string
}

export interface ReceiptRulesInit {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number
  didRateLimit?: RateLimit
  peerRateLimit?: RateLimit
  seenCapacity?: number
  /** Called with every verdict, for metrics. Never given message text. */
  onVerdict?: (
    verdict: Verdict['action'],
    reason: RejectReason | undefined,
    channel: Channel,
  ) => void
}

export class ReceiptRules {
  private readonly now: () => number
  private readonly seen: SeenJtis
  private readonly didLimiter: RateLimiter
  private readonly peerLimiter: RateLimiter
  private readonly verifier = new SignatureVerifier()
  /**
   * JWTs (signing input and signature) whose signature verified lately. A newcomer's
   * follow-up questions, 2 and 8 s after its join, bring back the claims and posts it
   * already took in live: 20 peers joining at once re-verified 19 claims each in the same
   * second, which held a 20-peer room's posts up by 80 ms (issue 26).
   */
  private readonly verifiedJwts = new QuickLRU<string, true>({ maxSize: VERIFIED_JWTS_KEPT })
  private readonly links = new LinkVerifier()
  private readonly linkChecksByDid: RateLimiter
  private readonly linkChecksByPeer: RateLimiter
  /** Per DID and signal type (SIGNAL_RATE_LIMITS): a typing or seen flood goes no further. */
  private readonly signalLimiters: Record<keyof typeof SIGNAL_RATE_LIMITS, RateLimiter>
  private readonly maxAgeS: Record<Channel, Partial<Record<MessageType, number>>>
  private readonly onVerdict: ReceiptRulesInit['onVerdict']
  /** The spaces of the private rooms open here: their topics do not say (private-room.ts). */
  private readonly privateSpaces = new Map<string, string>()

  constructor(init: ReceiptRulesInit = {}) {
    this.now = init.now ?? Date.now
    this.seen = new SeenJtis(init.seenCapacity ?? SEEN_JTI_CAPACITY, REPLAY_WINDOW_S)
    this.didLimiter = new RateLimiter(init.didRateLimit ?? DID_RATE_LIMIT, this.now)
    this.peerLimiter = new RateLimiter(init.peerRateLimit ?? PEER_RATE_LIMIT, this.now)
    this.linkChecksByDid = new RateLimiter(LINK_CHECK_RATE.perDid, this.now)
    this.linkChecksByPeer = new RateLimiter(LINK_CHECK_RATE.perPeer, this.now)
    this.signalLimiters = {
      typing: new RateLimiter(SIGNAL_RATE_LIMITS.typing, this.now),
      seen: new RateLimiter(SIGNAL_RATE_LIMITS.seen, this.now),
      react: new RateLimiter(SIGNAL_RATE_LIMITS.react, this.now),
    }
    this.onVerdict = init.onVerdict
    this.maxAgeS = {
      pubsub: {
        join: LIVE_MAX_AGE_S,
        presence: LIVE_MAX_AGE_S,
        leave: LIVE_MAX_AGE_S,
        chat: LIVE_MAX_AGE_S,
        typing: LIVE_MAX_AGE_S,
        react: LIVE_MAX_AGE_S,
        seen: LIVE_MAX_AGE_S,
        rekey: LIVE_MAX_AGE_S,
      },
      direct: { chat: LIVE_MAX_AGE_S },
      'backlog-request': { request_backlog: BACKLOG_REQUEST_MAX_AGE_S },
      'backlog-entry': BACKLOG_ENTRY_MAX_AGE_S,
    }
  }

  /** Never throws: whatever goes wrong with one input is that input's refusal alone. */
  async check(input: Uint8Array | string, expect: Expectation): Promise<Verdict> {
    const verdict = await this.evaluate(input, expect).catch(
      (err: unknown): Verdict => refuse('invalid-claims', `could not be checked: ${String(err)}`),
    )
    this.onVerdict?.(
      verdict.action,
      verdict.action === 'accept' ? undefined : verdict.reason,
      expect.channel,
    )
    return verdict
  }

  /** Remembers a JWT we made ourselves, so a copy of it coming back counts as a duplicate. */
  markSeen(claims: Pick<Claims, 'iss' | 'jti' | 'iat' | 'room'>): void {
    this.seen.add(claims.room, this.seen.idOf(seenKey(claims)), claims.iat, this.now() / 1000)
  }

  private replayWindowFull(): Verdict {
    return { action: 'ignore', reason: 'replay-window-full', detail: `${this.seen.size} held` }
  }

  private async evaluate(input: Uint8Array | string, expect: Expectation): Promise<Verdict> {
    const bytes = typeof input === 'string' ? encodeUtf8(input) : input
    if (bytes.length > MAX_JWT_BYTES) {
      return refuse('oversized', `${bytes.length} bytes, the limit is ${MAX_JWT_BYTES}`)
    }
    const jwt = typeof input === 'string' ? input : decodeUtf8(input)
    if (jwt === undefined) return refuse('malformed-jwt', 'not UTF-8 text')

    const decoded = decodeCompactJwt(jwt)
    if ('reason' in decoded) return refuse(decoded.reason, decoded.detail)

    const header = JwtHeader.safeParse(decoded.header)
    if (!header.success)
      return refuse('malformed-jwt', `header ${describeSchemaError(header.error)}`)
    const alg = header.data.alg
    if (!(SIGNING_ALGS as readonly string[]).includes(alg))
      return refuse('unknown-alg', `alg ${alg}`)

    const type = (decoded.payload as { type?: unknown } | null)?.type
    if (!isMessageType(type)) return refuse('unknown-type', `type ${JSON.stringify(type)}`)
    if (nestsDeeperThan(decoded.payload, MAX_JSON_DEPTH + 1))
      return refuse('invalid-claims', `nested deeper than ${MAX_JSON_DEPTH} levels`)
    const parsed = Claims.safeParse(decoded.payload)
    if (!parsed.success) return refuse('invalid-claims', describeSchemaError(parsed.error))
    const claims = parsed.data

    // A member claim handed on in a backlog answer holds only for its own `ttl` (plus the
    // second `iat` was rounded down by).
    const ttlS = expect.channel === 'backlog-entry' && 'ttl' in claims ? claims.ttl + 1 : Infinity
    const maxAgeS = Math.min(this.maxAgeS[expect.channel][claims.type] ?? Number.NaN, ttlS)
    if (Number.isNaN(maxAgeS))
      return refuse('wrong-channel', `${claims.type} is not accepted on ${expect.channel}`)
    if (claims.type === 'chat' && (claims.to !== undefined) !== (expect.channel === 'direct')) {
      return refuse('wrong-channel', 'direct messages travel on the direct channel only')
    }
    if (claims.room !== expect.topic) return refuse('wrong-room', `signed for ${claims.room}`)

    const nowS = this.now() / 1000
    if (claims.iat > nowS + MAX_CLOCK_SKEW_S)
      return refuse('future-iat', `iat ${claims.iat} is ahead of ${nowS}`)
    if (claims.iat < nowS - maxAgeS) return refuse('too-old', `older than ${maxAgeS} s`)

    if (
      (claims.type === 'join' || claims.type === 'presence') &&
      bytes.length > MAX_MEMBER_CLAIM_BYTES
    )
      return refuse(
        'oversized',
        `${claims.type} of ${bytes.length} bytes, limit ${MAX_MEMBER_CLAIM_BYTES}`,
      )
    if (claims.type === 'chat') {
      const size = encodeUtf8(JSON.stringify(claims.message)).length
      if (size > MAX_MESSAGE_BYTES)
        return refuse('oversized', `message of ${size} bytes, limit ${MAX_MESSAGE_BYTES}`)
    }

    // A duplicate reaching us live is a replay or a copy that already arrived in a backlog
    // answer. Gossipsub drops its own duplicates without penalty, and so do we: the
    // forwarder is likely honest. On the direct channel a replay is the sender's own doing.
    // A backlog entry we saw before is still a backlog entry: replay protection keeps a
    // message from being *delivered live* twice, and a thread that closes and joins again
    // on the same node (within the 130 s window) needs the room's history back (issue 21:
    // refused as duplicates, a rejoin showed no posts). The thread's post store and member
    // registry drop what they already hold, by postId and by claim date.
    const duplicateAction = expect.channel === 'pubsub' ? 'ignore' : 'reject'
    const key = this.seen.idOf(seenKey(claims))
    const resent = expect.channel === 'backlog-entry'
    if (!resent && this.seen.has(claims.room, key))
      return { action: duplicateAction, reason: 'duplicate', detail: `jti ${claims.jti}` }

    // Backlog entries are old by nature and arrive in one batch: they are not rate-limited.
    const limited = expect.channel !== 'backlog-entry'
    // A full replay window forgets nothing early: new live messages of its room wait instead.
    if (limited && this.seen.isFull(claims.room, nowS)) return this.replayWindowFull()
    // More than we take from one peer: dropped before any crypto, and never scored. An
    // honest forwarder can pass on that much (a member holding two unmeshed relays
    // forwards one's whole room into the other): scored, it was graylisted and the room
    // split for good (issue 22). A rate limit is back-pressure, not a verdict.
    const peerLimited = limited && expect.from !== undefined && expect.fromRelay !== true
    if (peerLimited && !this.peerLimiter.take(expect.from as string)) {
      return { action: 'ignore', reason: 'rate-limited-peer', detail: `peer ${expect.from}` }
    }

    try {
      if (!this.verifiedJwts.has(jwt)) {
        const valid = await this.verifier.verify(
          claims.iss,
          alg,
          decoded.signingInput,
          decoded.signature,
        )
        if (!valid) return refuse('bad-signature', `not signed by ${claims.iss}`)
        this.verifiedJwts.set(jwt, true)
      }
    } catch (err) {
      if (err instanceof UnsupportedDidError) return refuse('unsupported-issuer', err.message)
      throw err
    }

    if (expect.channel === 'direct' && claims.type === 'chat' && claims.to !== expect.audience) {
      return refuse('wrong-audience', 'addressed to another DID')
    }
    if (limited && !this.didLimiter.take(claims.iss)) {
      return { action: 'ignore', reason: 'rate-limited-did', detail: claims.iss }
    }
    const kind = claims.type
    if (limited && isSignalType(kind) && !this.signalLimiters[kind].take(claims.iss)) {
      return {
        action: 'ignore',
        reason: 'rate-limited-signal',
        detail: `${claims.type} of ${claims.iss}`,
      }
    }
    // Checked again: another copy may have been verified while we awaited the signature.
    const seenBefore = this.seen.has(claims.room, key)
    if (!resent && seenBefore)
      return { action: duplicateAction, reason: 'duplicate', detail: `jti ${claims.jti}` }
    if (!seenBefore && !this.seen.add(claims.room, key, claims.iat, this.now() / 1000))
      return this.replayWindowFull()
    const account = await this.linkedAccount(claims, nowS, expect)
    if (account !== undefined && 'action' in account) return account
    return {
      action: 'accept',
      message: { jwt, claims, ...(account === undefined ? {} : { account }) },
    }
  }

  /** A private room opened here, in `space`: its members' wallet links must name that space. */
  privateRoomOpened(topic: string, space: string): void {
    this.privateSpaces.set(topic, space)
  }

  privateRoomClosed(topic: string): void {
    this.privateSpaces.delete(topic)
  }

  /**
   * The account a join or presence is linked to; a link that does not hold refuses the
   * message by name (only an expired one is ignored: the sender's clock may differ).
   */
  private async linkedAccount(
    claims: Claims,
    nowS: number,
    expect: Expectation,
  ): Promise<LinkedAccount | undefined | Verdict> {
    if ((claims.type !== 'join' && claims.type !== 'presence') || claims.link === undefined) return
    // A link not checked before costs ~2.3 ms (signature recovery and parsing) and an
    // attacker makes one in 1.7 ms: fresh links are budgeted per DID and per peer (not per
    // relay, which budgeted its clients), and what is over is dropped, not scored (issue 22).
    if (!this.links.has(claims.link)) {
      const byPeer = expect.from !== undefined && expect.fromRelay !== true
      const allowed =
        this.linkChecksByDid.take(claims.iss) &&
        (!byPeer || this.linkChecksByPeer.take(expect.from as string))
      if (!allowed)
        return {
          action: 'ignore',
          reason: 'rate-limited-link',
          detail: `fresh links of ${claims.iss}`,
        }
    }
    const space = parseTopic(claims.room)?.space ?? this.privateSpaces.get(claims.room) ?? ''
    const check = await this.links.check(claims.link, {
      did: claims.iss,
      space,
      nowMs: nowS * 1000,
    })
    if (check.ok) return check.account
    return {
      action: check.reason === 'link-expired' ? 'ignore' : 'reject',
      reason: check.reason,
      detail: check.detail,
    }
  }
}

/**
 * What a backlog answer may hold, and how old. Member claims hold for their own `ttl`
 * (checked apart). Reactions come with the posts they are on (a newcomer's counts);
 * typing, seen and leaves never do.
 */
const BACKLOG_ENTRY_MAX_AGE_S: Partial<Record<MessageType, number>> = {
  chat: BACKLOG_MAX_AGE_S,
  react: BACKLOG_MAX_AGE_S,
  join: Infinity,
  presence: Infinity,
}

/** Whether a backlog answer may hold a message of `type`. */
export function isBacklogEntryType(type: unknown): boolean {
  return typeof type === 'string' && Object.hasOwn(BACKLOG_ENTRY_MAX_AGE_S, type)
}

/**
 * Refusals an honest forwarder may cause: its clock differs from ours (it accepted the
 * `iat`), or the type is from a newer release than ours. Ignored, never scored: an old
 * browser must not graylist the relay that forwards a newer member's messages.
 */
const HONEST_FORWARDER_MAY_PASS: ReadonlySet<RejectReason> = new Set([
  'future-iat',
  'too-old',
  'unknown-type',
])

function refuse(reason: RejectReason, detail: string): Verdict {
  return { action: HONEST_FORWARDER_MAY_PASS.has(reason) ? 'ignore' : 'reject', reason, detail }
}

type SignalType = keyof typeof SIGNAL_RATE_LIMITS

function isSignalType(type: MessageType): type is SignalType {
  return Object.hasOwn(SIGNAL_RATE_LIMITS, type)
}

/** Keyed by issuer too, so nobody can burn another author's `jti` by reusing it. */
function seenKey(claims: Pick<Claims, 'iss' | 'jti'>): string {
  return `${claims.iss}|${claims.jti}`
}
