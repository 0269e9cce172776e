/**
 * The options of `space.joinThread(name, options)` (and the engine's `openSpace`, which
 * has none), declared once for the engine and the page (the provider checks them before
 * anything crosses to the extension; the wire schema in shared/dapp-methods.ts checks
 * again the ones that travel). An option is honoured or refused by name, never ignored:
 * a 3box-era dapp that passes one we lack learns so at once instead of meeting a room
 * that behaves otherwise (issue 21).
 */
import { MAX_BACKLOG_LIMIT } from './constants.js'
import { InvalidArgumentError, UnsupportedOperationError } from './errors.js'
import { inviteProblem } from './invite.js'
import type { PostFilter } from './post-filters.js'

export interface JoinThreadOptions {
  /** Must be true: ghost threads are all this implementation offers (3IP-9). */
  ghost?: boolean
  /** How many posts to keep in memory and hand out as backlog, 1–500 (3IP-9 default 50). */
  ghostBacklogLimit?: number
  /**
   * 3box-js's filters: each is an addFilter() from the start, before the first backlog
   * entry is shown. Called as `(post, author)`; a post any filter refuses is never shown.
   */
  ghostFilters?: PostFilter[]
  /**
   * A private room's invite (from createPrivateThread, or the invite link after `#`): the
   * room is then the invite's, opaque to relays; `name` is what it is called here.
   */
  invite?: string
  /**
   * Extension and in-page host: show this page only members whose wallet link counts on
   * its site (posts, events, member lists).
   */
  linkedOnly?: boolean
  /**
   * Extension and in-page host: count only wallet links made on this chain (EIP-155 id);
   * by default a link made on the page's site counts on any chain.
   */
  linkChainId?: number
}

/** Options of 3box-js's joinThread that ghost threads do not have, and what to do instead. */
const THREEBOX_ONLY: Record<string, string> = {
  ghostPinbot:
    'relays keep each room’s recent posts and answer newcomers; name your relay with openSpace(name, { relays })',
  firstModerator: 'ghost threads have no moderators; use ghostFilters or addFilter() to hide posts',
  members: 'ghost threads are open rooms: anyone who joins is a member',
  confidential:
    'a ghost thread is made private by its invite: createPrivateThread(), or joinThread(name, { ghost: true, invite })',
  noAutoSub: 'ghost threads keep no subscription to store: leave it out',
}

/**
 * Each option and who has it: the page only where it needs the page's site, which the
 * engine does not know. Checked by hand rather than with zod: the page's provider runs
 * this in every page (inpage.js, 30 KiB budget), and zod/mini alone added 24 KiB there.
 */
const JOIN_OPTIONS: Record<keyof JoinThreadOptions, 'page' | 'both'> = {
  ghost: 'both',
  ghostBacklogLimit: 'both',
  ghostFilters: 'both',
  invite: 'both',
  linkedOnly: 'page',
  linkChainId: 'page',
}

/** Where the join is made: pages have every option, the engine all but the page-only ones. */
export type JoinSide = 'page' | 'engine'

/**
 * The options, checked: unknown ones and wrong values fail with InvalidArgumentError
 * naming the option, a join without `ghost: true` with UnsupportedOperationError.
 */
export function checkedJoinOptions(options: unknown, side: JoinSide): JoinThreadOptions {
  const given = options ?? {}
  if (typeof given !== 'object' || Array.isArray(given))
    throw new InvalidArgumentError('joinThread(name, options) takes an object as its options')
  const unknown = Object.keys(given).find((name) => !knownOptions(side).includes(name))
  if (unknown !== undefined) throw unknownOption(unknown, side)
  const checked = given as JoinThreadOptions
  if (checked.ghost !== true) {
    throw new UnsupportedOperationError(
      'Only ghost threads are supported: call joinThread(name, { ghost: true }); persistent threads would store messages, which this extension never does',
    )
  }
  const { ghostBacklogLimit: limit, ghostFilters: filters, linkedOnly, linkChainId } = checked
  if (limit !== undefined && !isWholeIn(limit, 1, MAX_BACKLOG_LIMIT))
    throw invalid('ghostBacklogLimit', `must be a whole number from 1 to ${MAX_BACKLOG_LIMIT}`)
  if (filters !== undefined && !Array.isArray(filters))
    throw invalid('ghostFilters', 'must be an array of functions')
  const notAFunction = filters?.findIndex((filter) => typeof filter !== 'function') ?? -1
  if (notAFunction !== -1)
    throw invalid(`ghostFilters.${notAFunction}`, 'must be a function (post, author) => boolean')
  if (checked.invite !== undefined) checkedInvite(checked.invite)
  if (linkedOnly !== undefined && typeof linkedOnly !== 'boolean')
    throw invalid('linkedOnly', 'must be true or false')
  if (linkChainId !== undefined && !isWholeIn(linkChainId, 1, Number.MAX_SAFE_INTEGER))
    throw invalid('linkChainId', 'must be a positive whole number (an EIP-155 chain id)')
  return checked
}

/**
 * createPrivateThread's options: joinThread's but `ghost` and `invite` (it makes the
 * invite); one given is refused with what to call instead. Checked by page and engine.
 */
export function assertNewRoomOptions(options: unknown): void {
  if (typeof options === 'object' && options !== null && 'invite' in options)
    throw new InvalidArgumentError(
      'createPrivateThread makes a new invite; to join a room you were invited to, call joinThread(name, { ghost: true, invite })',
    )
}

function checkedInvite(invite: unknown): void {
  const problem = inviteProblem(invite)
  if (problem !== undefined) throw invalid('invite', `is not an invite. ${problem}`)
}

function knownOptions(side: JoinSide): string[] {
  return Object.entries(JOIN_OPTIONS).flatMap(([name, who]) =>
    side === 'page' || who === 'both' ? [name] : [],
  )
}

function isWholeIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
}

function invalid(name: string, rule: string): InvalidArgumentError {
  return new InvalidArgumentError(`joinThread option ${name} ${rule}`)
}

function unknownOption(name: string, side: JoinSide): InvalidArgumentError {
  const why =
    THREEBOX_ONLY[name] ??
    (JOIN_OPTIONS[name as keyof JoinThreadOptions] === 'page'
      ? 'it is applied where pages meet rooms (the extension and the in-page SDK), which know the page’s site; here, filter posts with addFilter()'
      : `the options are ${knownOptions(side).join(', ')}`)
  return new InvalidArgumentError(`joinThread does not take the option ${name}: ${why}`)
}

/**
 * The engine's openSpace takes a name only (the user's consent and a site's relays are the
 * extension's and the page's business): an options object is refused, not ignored.
 */
export function assertNoSpaceOptions(options: unknown): void {
  if (options === undefined) return
  const names = typeof options === 'object' && options !== null ? Object.keys(options) : undefined
  if (names?.length === 0) return
  throw new InvalidArgumentError(
    `openSpace(name) takes no options here${names === undefined ? '' : ` (got ${names.join(', ')})`}: the node's relays are startGhostNode({ relays }), and there is no consent to ask for`,
  )
}
