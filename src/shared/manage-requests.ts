/**
 * What the popup may ask of the router beyond reading: each request is parsed here, with
 * zod, before it reaches the host, so a malformed one is refused with the field it names.
 */

import { MAX_JSON_DEPTH } from '../core/constants.js'
import { InvalidArgumentError } from '../core/errors.js'
import { nestsDeeperThan } from '../core/json-depth.js'
import { DidKey } from '../core/schema.js'
import '../core/zod-jitless.js'
import { z } from 'zod'
import { RoomName, SpaceName } from './dapp-methods.js'

export const RoomRef = z.strictObject({ space: SpaceName, room: RoomName })
export type RoomRef = z.infer<typeof RoomRef>

/** Longest a room view request may wait for a new post (then it answers anyway). */
export const MAX_ROOM_WAIT_MS = 10_000

/**
 * `after`: the newest feed sequence number the popup already shows (0 for none).
 * `waitMs`: when nothing is newer, answer as soon as a post arrives, or after this long.
 */
export const RoomViewRequest = RoomRef.extend({
  after: z.number().int().min(0),
  waitMs: z.number().int().min(0).max(MAX_ROOM_WAIT_MS).optional(),
})
export type RoomViewRequest = z.infer<typeof RoomViewRequest>

export const PopupPost = RoomRef.extend({ message: z.json(), to: DidKey.optional() })
export type PopupPost = z.infer<typeof PopupPost>

export const TabRef = z.strictObject({ tabId: z.number().int().min(0) })
export type TabRef = z.infer<typeof TabRef>

export const BlockRequest = z.strictObject({ did: DidKey, blocked: z.boolean() })
export type BlockRequest = z.infer<typeof BlockRequest>

/** BIP-39 phrases are 12–24 words of at most 8 letters. */
export const PhraseImport = z.strictObject({ phrase: z.string().min(1).max(400) })
export type PhraseImport = z.infer<typeof PhraseImport>

/** The parsed request, or an InvalidArgumentError naming the first wrong field. */
export function parseManage<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  // Before the schema, which recurses: a post nested 3,000 deep overflowed the stack (fuzz).
  if (nestsDeeperThan(data, MAX_JSON_DEPTH + 2))
    throw new InvalidArgumentError(
      `${what}: nested deeper than ${MAX_JSON_DEPTH} levels; flatten it`,
    )
  const parsed = schema.safeParse(data)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw new InvalidArgumentError(
    `${issue?.path.join('.') || what}: ${issue?.message ?? 'malformed'}`,
  )
}
