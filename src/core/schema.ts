import {
  MAX_CLAIMED_RELAYS,
  MAX_DIGEST_GONE,
  MAX_EMOJI_BYTES,
  MAX_JTI_LENGTH,
  MAX_MEMBER_CLAIM_BYTES,
  MAX_PRESENCE_TTL_S,
  MAX_REKEY_PARTS,
  MAX_ROOM_MEMBERS,
  MIN_JTI_LENGTH,
  REKEY_BOXES_PER_MESSAGE,
} from './constants.js'
import { isReactionEmoji } from './emoji.js'
import { PRIVATE_TOPIC_PATTERN, ROOM_TOPIC_PATTERN } from './room-name.js'
import './zod-jitless.js'
import { z } from 'zod'
import type { JsonValue } from './json-value.js'

/**
 * The claims of every ghost-thread JWT (wire v2, DESIGN.md). Parsing strips unknown keys,
 * so later versions can add optional claims without old peers rejecting them.
 */

export const MESSAGE_TYPES = [
  'join',
  'presence',
  'leave',
  'chat',
  'request_backlog',
  'typing',
  'react',
  'seen',
  'rekey',
] as const
export type MessageType = (typeof MESSAGE_TYPES)[number]

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && (MESSAGE_TYPES as readonly string[]).includes(value)
}

export const SIGNING_ALGS = ['EdDSA', 'ES256K'] as const

export const DidKey = z.string().regex(/^did:key:z[1-9A-HJ-NP-Za-km-z]{40,64}$/, 'not a did:key')
/** libp2p peer ids are base58btc multihashes or base36 CIDs. */
export const PeerIdText = z.string().regex(/^[A-Za-z0-9]{20,128}$/, 'not a peer id')
const topic = z.string().regex(ROOM_TOPIC_PATTERN, 'not a room topic')

const base = {
  iss: DidKey,
  iat: z.number().int().nonnegative(),
  jti: z
    .string()
    .min(MIN_JTI_LENGTH)
    .max(MAX_JTI_LENGTH)
    .regex(/^[A-Za-z0-9_-]+$/),
  room: topic,
}

/**
 * What a member says about itself in `join` and `presence`: the peer hosting it (a peer id
 * of this space only, so spaces cannot be linked), the relays that peer can be reached
 * through (their peer ids: a receiver dials only relays it already knows, never an
 * address a member hands it), and how long the claim holds (`ttl`, seconds).
 */
/** A wallet link (wallet-link.ts): an EIP-4361 message and the account's signature over it. */
export const WalletLinkClaim = z.strictObject({
  message: z.string().min(1).max(2_048),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'not a 65-byte hex signature'),
})
export type WalletLink = z.infer<typeof WalletLinkClaim>

const memberClaims = {
  peer: PeerIdText,
  relays: z.array(PeerIdText).max(MAX_CLAIMED_RELAYS),
  ttl: z.number().positive().max(MAX_PRESENCE_TTL_S),
  /** The member's DID in this space, vouched for by an Ethereum account. */
  link: WalletLinkClaim.optional(),
}

export const JoinClaims = z.object({ ...base, type: z.literal('join'), ...memberClaims })
export const PresenceClaims = z.object({ ...base, type: z.literal('presence'), ...memberClaims })
/** `leave` names the peer too: one DID can be online from two browsers at once. */
export const LeaveClaims = z.object({ ...base, type: z.literal('leave'), peer: PeerIdText })
export const ChatClaims = z.object({
  ...base,
  type: z.literal('chat'),
  message: z.json(),
  /** Set on direct messages only; they never travel over pubsub. */
  to: DidKey.optional(),
})
/**
 * `members: false` asks for posts only: a newcomer that already has the member list from
 * its relay saves every answer ~0.6 KB per member. `since` (seconds) asks only for the
 * members heard from since then.
 */
export const RequestBacklogClaims = z.object({
  ...base,
  type: z.literal('request_backlog'),
  members: z.boolean().optional(),
  since: z.number().int().nonnegative().optional(),
  /**
   * In a crowd room, page `page` (from 1) of the whole member list, in the order the relay
   * first heard them, CROWD_PAGE_MEMBERS to a page: members only, no posts.
   */
  page: z.number().int().min(1).max(MAX_ROOM_MEMBERS).optional(),
})

/** A post's id as posts carry it (post.ts): a CIDv1, base32. */
export const PostIdText = z.string().regex(/^b[a-z2-7]{20,100}$/, 'not a post id')
/** One emoji (emoji.ts says what counts), within MAX_EMOJI_BYTES. */
export const EmojiText = z.string().refine(isReactionEmoji, {
  error: `must be one emoji of at most ${MAX_EMOJI_BYTES} bytes`,
})

/**
 * Signals (wire 2.1, issue 24): ephemeral, never in a post store or on disk. `typing`: the
 * member is typing now; `react`: its reaction `emoji` to `post` is on or taken back (the
 * newest per member, post and emoji holds; of one second, taking back wins); `seen`: the
 * newest post it has seen, and that post's `iat` (`at`), so a receiver that does not hold
 * the post can still place it.
 */
export const TypingClaims = z.object({ ...base, type: z.literal('typing') })
export const ReactClaims = z.object({
  ...base,
  type: z.literal('react'),
  post: PostIdText,
  emoji: EmojiText,
  on: z.boolean(),
})
export const SeenClaims = z.object({
  ...base,
  type: z.literal('seen'),
  post: PostIdText,
  at: z.number().int().nonnegative(),
})

/**
 * A private room moves to a new invite (issue 25, thread-rotation.ts): its creator sends,
 * on the old room, the new secret boxed to each member it keeps (room-rekey.ts), in
 * `parts` messages of at most REKEY_BOXES_PER_MESSAGE. `rotation` names the move; `eph`
 * is the one X25519 key its boxes were made with. A member whose box is in none of the
 * parts was not kept.
 */
export const RekeyClaims = z.object({
  ...base,
  type: z.literal('rekey'),
  rotation: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
  part: z.number().int().min(1).max(MAX_REKEY_PARTS),
  parts: z.number().int().min(1).max(MAX_REKEY_PARTS),
  eph: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an X25519 key in base64url'),
  boxes: z
    .array(
      z.strictObject({ to: DidKey, box: z.string().regex(/^[A-Za-z0-9_-]{64}$/, 'not a box') }),
    )
    .max(REKEY_BOXES_PER_MESSAGE),
  /**
   * Members this rotation removed (wire 2.1, optional): told at once, even one that came
   * as the rotation was made (whom a rotation without its box does not leave out).
   */
  removed: z.array(DidKey).max(REKEY_BOXES_PER_MESSAGE).optional(),
})
export type RekeyClaims = z.infer<typeof RekeyClaims>

export const Claims = z.discriminatedUnion('type', [
  RekeyClaims,
  TypingClaims,
  ReactClaims,
  SeenClaims,
  JoinClaims,
  PresenceClaims,
  LeaveClaims,
  ChatClaims,
  RequestBacklogClaims,
])

export type Claims = z.infer<typeof Claims>
export type ChatClaims = z.infer<typeof ChatClaims>
export type ReactClaims = z.infer<typeof ReactClaims>
export type SeenClaims = z.infer<typeof SeenClaims>
export type SignalClaims = z.infer<typeof TypingClaims> | ReactClaims | SeenClaims
export type MemberClaims = z.infer<typeof JoinClaims> | z.infer<typeof PresenceClaims>
export type { JsonValue } from './json-value.js'
/** Fails to compile when z.json() and the written-out JsonValue part ways. */
export const JSON_VALUE_MATCHES: [z.infer<ReturnType<typeof z.json>>] extends [JsonValue]
  ? [JsonValue] extends [z.infer<ReturnType<typeof z.json>>]
    ? true
    : never
  : never = true

export const JwtHeader = z.object({ alg: z.string(), typ: z.string().optional() })

/**
 * What a crowd room's relay publishes on the room's topic every ROSTER_DIGEST_MS instead
 * of forwarding each member's `join`, `presence` and `leave` (roster-digest.ts): the claims
 * of members new to the room, as they signed them (every receiver verifies each as it
 * would the claim itself), the DIDs gone (a leave, a claim run out), and how many members
 * the relay holds. The last one of a crowd says `crowd: false`: presences flow again.
 */
export const RosterDigest = z.strictObject({
  digest: z.literal(1),
  room: topic,
  joined: z.array(z.string().max(MAX_MEMBER_CLAIM_BYTES)).max(MAX_ROOM_MEMBERS),
  gone: z.array(DidKey).max(MAX_DIGEST_GONE),
  members: z.number().int().nonnegative().max(MAX_ROOM_MEMBERS),
  crowd: z.boolean(),
})
export type RosterDigest = z.infer<typeof RosterDigest>

/** What a peer answers on the backlog protocol. */
export const BacklogResponse = z.object({
  request: z.string().max(MAX_JTI_LENGTH),
  entries: z.array(z.string()),
  /**
   * A relay's answer: its posts are all of the room's (up to RELAY_BACKLOG_POSTS), so the
   * newcomer need ask no member. Only our relays' word counts (thread-catch-up.ts).
   */
  complete: z.boolean().optional(),
  /**
   * A relay's answer in a crowd room (CROWD_ROOM_MEMBERS): how many members it holds
   * (`entries` list only the newest CROWD_LISTED_MEMBERS, or one page), and that it now
   * tells the room who came and went in digests (roster-digest.ts) instead of forwarding
   * every presence.
   */
  crowd: z.object({ members: z.number().int().nonnegative() }).optional(),
})
export type BacklogResponse = z.infer<typeof BacklogResponse>

/**
 * A private room's newcomer asks a relay for the envelopes it kept (private-room.ts
 * signRoomRequest): the opaque topic, when it asked (unix seconds), only what came from
 * `since` on if given, and the room key's signature over all that and the asking peer.
 */
export const PrivateBacklogRequest = z.strictObject({
  topic: z.string().regex(PRIVATE_TOPIC_PATTERN, 'not a private room topic'),
  at: z.number().int().nonnegative(),
  since: z.number().int().nonnegative().optional(),
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'not an Ed25519 signature in base64url'),
})
export type PrivateBacklogRequest = z.infer<typeof PrivateBacklogRequest>

/**
 * A relay's answer: the envelopes it kept, oldest first, in base64url; `complete` when it
 * heard the room from its start and let none go (then they are all the room said). Or a
 * refusal: a room it does not serve, a request the room key did not sign for the asker
 * now, or an asker past its answers (BACKLOG_ANSWER_RATE).
 */
export const PrivateBacklogResponse = z.union([
  z.strictObject({
    entries: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/)),
    complete: z.boolean().optional(),
  }),
  z.strictObject({ refused: z.enum(['not-served', 'not-signed', 'too-many']) }),
])
export type PrivateBacklogResponse = z.infer<typeof PrivateBacklogResponse>

/** What a peer answers on the direct-message protocol. */
export const DirectResponse = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string().max(200) }),
])
export type DirectResponse = z.infer<typeof DirectResponse>

/** A short, readable account of why a value did not match a schema. */
export function describeSchemaError(error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return 'does not match the schema'
  const path = issue.path.length > 0 ? issue.path.join('.') : 'value'
  return `${path}: ${issue.message}`
}
