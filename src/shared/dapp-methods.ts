/**
 * The contract between a dapp and the extension: every method `window.ghostThreads.request`
 * accepts, with the schema of its params. The content gate and the router both parse with
 * these (the router trusts no content script), so a malformed call fails the same way at
 * either. Each method's result is declared beside it (DappResults): the host produces it,
 * the provider receives it, and neither restates it.
 */

import { MAX_BACKLOG_LIMIT, NAME_PATTERN } from '../core/constants.js'
import { INVITE_PATTERN } from '../core/invite.js'
import type { LinkedMember } from '../core/members.js'
import type { Post } from '../core/post.js'
import { DidKey, EmojiText, PostIdText, WalletLinkClaim } from '../core/schema.js'
import { MAX_DAPP_RELAYS, MAX_ROTATION_REMOVALS } from './constants.js'
import '../core/zod-jitless.js'
import { z } from 'zod'
import { type DappMethod, earlyRefusal, JSON_VALUE_RULE } from './dapp-method-names.js'
import { InvalidRequestError, UnsupportedMethodError } from './errors.js'
import { RelayAddress } from './settings.js'

const NAME_RULE = 'must be 1–64 characters of A-Z, a-z, 0-9, _ and -'
export const SpaceName = z.string().regex(NAME_PATTERN, `the space name ${NAME_RULE}`)
export const RoomName = z.string().regex(NAME_PATTERN, `the room name ${NAME_RULE}`)
/** A handle the host gave out for one page's lease on a thread. */
export const ThreadHandle = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a thread handle')
const COUNT_RULE = { error: `must be a whole number from 1 to ${MAX_BACKLOG_LIMIT}` }
const PostCount = z
  .number(COUNT_RULE)
  .int(COUNT_RULE)
  .min(1, COUNT_RULE)
  .max(MAX_BACKLOG_LIMIT, COUNT_RULE)
/** A post's message; zod's own words ("Invalid input") said nothing of what is allowed. */
const JsonMessage = z.json()
const Message = z.custom<z.infer<typeof JsonMessage>>(
  (value) => JsonMessage.safeParse(value).success,
  { error: JSON_VALUE_RULE },
)

const InviteText = z
  .string()
  .regex(INVITE_PATTERN, 'not an invite: the 86 characters after # in a private room’s link')

const ChainId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

export const DAPP_METHODS = {
  openSpace: z.strictObject({
    space: SpaceName,
    relays: z.array(RelayAddress).min(1).max(MAX_DAPP_RELAYS).optional(),
  }),
  joinThread: z.strictObject({
    space: SpaceName,
    room: RoomName,
    /** A private room's invite (issue 25): the room is the invite's; `room` names it here. */
    invite: InviteText.optional(),
    /** A new private room: the host makes its invite and answers with it. */
    createPrivate: z.literal(true).optional(),
    ghostBacklogLimit: PostCount.optional(),
    /** Show this page only members whose wallet link counts on its site (issue 14). */
    linkedOnly: z.boolean().optional(),
    /** Count only wallet links made on this chain (EIP-155 id); default any chain. */
    linkChainId: ChainId.optional(),
  }),
  post: z.strictObject({ thread: ThreadHandle, message: Message, to: DidKey.optional() }),
  getPosts: z.strictObject({ thread: ThreadHandle, n: PostCount.optional() }),
  listMembers: z.strictObject({ thread: ThreadHandle }),
  requestBacklog: z.strictObject({ thread: ThreadHandle }),
  closeThread: z.strictObject({ thread: ThreadHandle }),
  listMembersWithAddresses: z.strictObject({ thread: ThreadHandle }),
  /** Live signals (issue 24): the user types; an emoji on a post, or off again (`remove`). */
  typing: z.strictObject({ thread: ThreadHandle }),
  react: z.strictObject({
    thread: ThreadHandle,
    postId: PostIdText,
    emoji: EmojiText,
    remove: z.boolean().optional(),
  }),
  memberCount: z.strictObject({ thread: ThreadHandle }),
  /** A private room's creator moves it to a new invite, without the members in `remove`. */
  rotateInvite: z.strictObject({
    thread: ThreadHandle,
    remove: z.array(DidKey).max(MAX_ROTATION_REMOVALS).optional(),
  }),
  /** Wallet links (issue 14): the extension composes the message, the page's wallet signs. */
  prepareLink: z.strictObject({
    space: SpaceName,
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'not an Ethereum address'),
    chainId: ChainId,
  }),
  completeLink: z.strictObject({ space: SpaceName, signature: WalletLinkClaim.shape.signature }),
  unlinkWallet: z.strictObject({ space: SpaceName }),
} as const satisfies Record<DappMethod, z.ZodType>

export { DAPP_METHOD_NAMES, type DappMethod, isDappMethod } from './dapp-method-names.js'
/** Fails to compile when a schema has no name in DAPP_METHOD_NAMES. */
export const EVERY_SCHEMA_NAMED: Exclude<keyof typeof DAPP_METHODS, DappMethod> extends never
  ? true
  : never = true
export type DappParams<M extends DappMethod> = z.infer<(typeof DAPP_METHODS)[M]>

/** A page's handle on a thread it joined, with the DID it speaks as there. */
export interface JoinedThread {
  thread: string
  did: string
  space: string
  room: string
  /** A private room's invite (the page asked for a new room, or joined by it). */
  invite?: string
}

/** What each method resolves to. */
export interface DappResults {
  openSpace: { space: string; did: string }
  joinThread: JoinedThread
  post: string
  getPosts: Post[]
  listMembers: string[]
  requestBacklog: Post[]
  closeThread: null
  listMembersWithAddresses: LinkedMember[]
  /** Whether a typing signal went out (at most one every few seconds). */
  typing: boolean
  react: null
  memberCount: number
  /** The room's new invite (the thread moved there; the page heard `moved`). */
  rotateInvite: string
  /** The EIP-4361 text for the page's wallet to sign. */
  prepareLink: { message: string }
  completeLink: { address: string }
  unlinkWallet: null
}
export type DappResult<M extends DappMethod> = DappResults[M]
/** Fails to compile when a method has params but no declared result, or the reverse. */
export const EVERY_RESULT_DECLARED: [
  Exclude<DappMethod, keyof DappResults> | Exclude<keyof DappResults, DappMethod>,
] extends [never]
  ? true
  : never = true

/** Methods about a space (its permission, its wallet link): the router's, not a thread's. */
export const SPACE_METHODS = ['openSpace', 'prepareLink', 'completeLink', 'unlinkWallet'] as const
export type SpaceMethod = (typeof SPACE_METHODS)[number]

/** Methods the host serves for a page once the router has checked its permission. */
export type ThreadMethod = Exclude<DappMethod, SpaceMethod>

export function isSpaceMethod(method: DappMethod): method is SpaceMethod {
  return (SPACE_METHODS as readonly string[]).includes(method)
}

/** A parsed call: the method and its own params type, told apart by `method`. */
export type ParsedCall = {
  [M in DappMethod]: { ok: true; method: M; params: DappParams<M> }
}[DappMethod]

export type ParsedRequest = ParsedCall | { ok: false; unsupported: boolean; message: string }

/** A parsed call about a space (openSpace, the wallet link calls): the router's, not a thread's. */
export function isSpaceCall(
  call: ParsedCall,
): call is Extract<ParsedCall, { method: SpaceMethod }> {
  return isSpaceMethod(call.method)
}

/** The parsed call, or the named error a page gets for it (unsupported, or invalid). */
export function requireDappRequest(method: unknown, params: unknown): ParsedCall {
  const parsed = parseDappRequest(method, params)
  if (parsed.ok) return parsed
  throw parsed.unsupported
    ? new UnsupportedMethodError(parsed.message)
    : new InvalidRequestError(parsed.message)
}

/** Checks a method name and its params; the message says what was wrong, for the developer. */
export function parseDappRequest(method: unknown, params: unknown): ParsedRequest {
  const refused = earlyRefusal(method, params)
  if (refused !== undefined) return { ok: false, ...refused }
  const known = method as DappMethod
  const parsed = DAPP_METHODS[known].safeParse(params)
  if (parsed.success) return { ok: true, method: known, params: parsed.data } as ParsedCall
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? `params.${issue.path.join('.')}` : 'params'
  return {
    ok: false,
    unsupported: false,
    message: `Invalid ${where} for ${known}: ${issue?.message ?? 'malformed'}`,
  }
}
