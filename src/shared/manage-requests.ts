/**
 * What the popup may ask of the router beyond reading: each request is parsed here, with
 * zod, before it reaches the host, so a malformed one is refused with the field it names.
 */

import { MAX_JSON_DEPTH } from '../core/constants.js'
import { InvalidArgumentError } from '../core/errors.js'
import { nestsDeeperThan } from '../core/json-depth.js'
import { ROOM_TOPIC_PATTERN } from '../core/room-name.js'
import { DidKey, EmojiText, PostIdText } from '../core/schema.js'
import { MAX_ROOM_WAIT_MS } from './constants.js'
import '../core/zod-jitless.js'
import { z } from 'zod'
import { RoomName, SpaceName } from './dapp-methods.js'
import type { PopupHostRequest } from './popup-request-names.js'

/**
 * A room as the popup names it: its space and name, and its topic, which tells apart a
 * private room (issue 25) from a public one, or another private one, of the same name.
 */
export const RoomRef = z.strictObject({
  space: SpaceName,
  room: RoomName,
  topic: z.string().regex(ROOM_TOPIC_PATTERN, 'not a room topic').optional(),
})
export type RoomRef = z.infer<typeof RoomRef>

/** Keep a private room's invite beside the seed (`keep`), or forget it. */
export const KeepRoomRequest = RoomRef.extend({ keep: z.boolean() })
export type KeepRoomRequest = z.infer<typeof KeepRoomRequest>

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

/** A reaction given in the popup (or taken back: `remove`), as the user's DID in that space. */
export const PopupReaction = RoomRef.extend({
  postId: PostIdText,
  emoji: EmojiText,
  remove: z.boolean().optional(),
})
export type PopupReaction = z.infer<typeof PopupReaction>

export const TabRef = z.strictObject({ tabId: z.number().int().min(0) })
export type TabRef = z.infer<typeof TabRef>

export const BlockRequest = z.strictObject({ did: DidKey, blocked: z.boolean() })
export type BlockRequest = z.infer<typeof BlockRequest>

/** BIP-39 phrases are 12–24 words of at most 8 letters. */
export const PhraseImport = z.strictObject({ phrase: z.string().min(1).max(400) })
export type PhraseImport = z.infer<typeof PhraseImport>

/**
 * The popup's requests the host serves, declared once: the router parses each with its
 * schema here and forwards it under the same name (`manage:roomView` → the host's
 * `roomView`); the message types, the router's handlers and the popup's client are all
 * derived from this table (messengers.ts, router.ts, popup/store.ts), and host-protocol.ts
 * says what each resolves to. Requests the router answers itself are declared there.
 */
export const POPUP_HOST_REQUESTS = {
  status: z.undefined(),
  roomView: RoomViewRequest,
  postFromPopup: PopupPost,
  reactFromPopup: PopupReaction,
  typingFromPopup: RoomRef,
  leaveRoom: RoomRef,
  roomInvite: RoomRef,
  keepRoom: KeepRoomRequest,
  keptRooms: z.undefined(),
  redial: z.undefined(),
  exportPhrase: z.undefined(),
  importPhrase: PhraseImport,
} as const satisfies Record<PopupHostRequest, z.ZodType>
export { POPUP_HOST_REQUEST_NAMES, type PopupHostRequest } from './popup-request-names.js'
/** Fails to compile when a named request has no schema here, or a schema no name. */
export const EVERY_POPUP_REQUEST_PARSED: [
  Exclude<keyof typeof POPUP_HOST_REQUESTS, PopupHostRequest>,
] extends [never]
  ? true
  : never = true

/** A popup request for the host, parsed with its own schema (the table loses the pairing). */
export function parsePopupRequest(name: PopupHostRequest, data: unknown): unknown {
  return parseManage<unknown>(POPUP_HOST_REQUESTS[name] as z.ZodType<unknown>, data, name)
}

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
