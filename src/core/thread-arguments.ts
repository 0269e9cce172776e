import {
  MAX_BACKLOG_LIMIT,
  MAX_EMOJI_BYTES,
  MAX_JSON_DEPTH,
  MAX_MESSAGE_BYTES,
  OWN_POST_RATE,
} from './constants.js'
import { isReactionEmoji } from './emoji.js'
import {
  InvalidArgumentError,
  InvalidMessageError,
  MessageTooLargeError,
  RateLimitedError,
} from './errors.js'
import { nestsDeeperThan } from './json-depth.js'
import type { RateLimiter } from './rate-limit.js'
import { DidKey, type JsonValue, PostIdText } from './schema.js'
import { encodeUtf8 } from './utf8.js'
import './zod-jitless.js'
import { z } from 'zod'

/** Checks of what a dapp hands to a thread, each failing with a named error. */

const jsonValue = z.json()

export function checkedMessage(message: unknown): JsonValue {
  if (nestsDeeperThan(message)) {
    throw new InvalidMessageError(
      `A message may nest at most ${MAX_JSON_DEPTH} arrays and objects; flatten it`,
    )
  }
  const parsed = jsonValue.safeParse(message)
  if (!parsed.success) {
    throw new InvalidMessageError(
      `A message must be a JSON value (string, number, boolean, null, array or object), got ${describe(message)}`,
    )
  }
  const size = encodeUtf8(JSON.stringify(parsed.data)).length
  if (size > MAX_MESSAGE_BYTES) {
    throw new MessageTooLargeError(
      `The message is ${size} bytes as JSON, the limit is ${MAX_MESSAGE_BYTES}; send less or split it into several posts`,
    )
  }
  return parsed.data
}

/** Takes one post from the DID's budget (OWN_POST_RATE), or refuses by name. */
export function assertMayPost(budget: RateLimiter, did: string): void {
  if (budget.take(did)) return
  throw new RateLimitedError(
    `Posting faster than rooms accept from one member (${OWN_POST_RATE.perSecond} a second, ${OWN_POST_RATE.burst} at once): receivers would drop these posts. Wait a moment and post again`,
  )
}

export function assertDid(value: unknown): asserts value is string {
  if (!DidKey.safeParse(value).success) {
    throw new InvalidArgumentError(
      `Direct messages go to a member's DID (did:key:z…, see listMembers()), got ${describe(value)}; peer ids are not accepted`,
    )
  }
}

export function assertPostCount(n: unknown): asserts n is number | undefined {
  if (n === undefined) return
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_BACKLOG_LIMIT) {
    throw new InvalidArgumentError(
      `getPosts(n) takes a whole number from 1 to ${MAX_BACKLOG_LIMIT}, got ${describe(n)}`,
    )
  }
}

/** A reaction names a post by its `postId` and is one emoji (emoji.ts). */
export function checkedReaction(
  postId: unknown,
  emoji: unknown,
): { postId: string; emoji: string } {
  if (typeof postId !== 'string' || !PostIdText.safeParse(postId).success)
    throw new InvalidArgumentError(
      `A reaction goes on a post by its postId (a CID, "bafy…", from the post), got ${describe(postId)}`,
    )
  if (!isReactionEmoji(emoji))
    throw new InvalidArgumentError(
      `A reaction is one emoji (up to ${MAX_EMOJI_BYTES} bytes, no text), got ${describe(emoji)}`,
    )
  return { postId, emoji }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  if (typeof value === 'function') return 'a function'
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}
