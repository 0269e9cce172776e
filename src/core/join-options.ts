/**
 * The options of `space.joinThread(name, options)` (and the engine's `openSpace`, which
 * has none), declared once for the engine and the
 * page (the provider checks them before anything crosses to the extension; the wire
 * schema in shared/dapp-methods.ts carries the ones that travel). An option is honoured or
 * refused by name, never ignored: a 3box-era dapp that passes one we lack learns so at
 * once instead of meeting a room that behaves otherwise (issue 21).
 */
import { z } from 'zod'
import { MAX_BACKLOG_LIMIT } from './constants.js'
import { InvalidArgumentError, UnsupportedOperationError } from './errors.js'
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
  confidential: 'ghost threads are not encrypted rooms',
  noAutoSub: 'ghost threads keep no subscription to store: leave it out',
}

const Filter = z.custom<PostFilter>((value) => typeof value === 'function', {
  message: 'must be a function (post, author) => boolean',
})

const JoinOptionsSchema = z.strictObject({
  ghost: z.boolean().optional(),
  ghostBacklogLimit: z
    .number({ message: `must be a whole number from 1 to ${MAX_BACKLOG_LIMIT}` })
    .int({ message: `must be a whole number from 1 to ${MAX_BACKLOG_LIMIT}` })
    .min(1, { message: `must be a whole number from 1 to ${MAX_BACKLOG_LIMIT}` })
    .max(MAX_BACKLOG_LIMIT, { message: `must be a whole number from 1 to ${MAX_BACKLOG_LIMIT}` })
    .optional(),
  ghostFilters: z.array(Filter, { message: 'must be an array of functions' }).optional(),
  linkedOnly: z.boolean({ message: 'must be true or false' }).optional(),
  linkChainId: z
    .number()
    .int({ message: 'must be a positive whole number (an EIP-155 chain id)' })
    .positive({ message: 'must be a positive whole number (an EIP-155 chain id)' })
    .max(Number.MAX_SAFE_INTEGER)
    .optional(),
})

/** The options only a page has: they need the page's site, which the engine does not know. */
const PAGE_ONLY = { linkedOnly: true, linkChainId: true } as const
const SCHEMAS = { page: JoinOptionsSchema, engine: JoinOptionsSchema.omit(PAGE_ONLY) }

/** Where the join is made: pages have every option, the engine all but the page-only ones. */
export type JoinSide = keyof typeof SCHEMAS

/**
 * The options, checked: unknown ones and wrong values fail with InvalidArgumentError
 * naming the option, a join without `ghost: true` with UnsupportedOperationError.
 */
export function checkedJoinOptions(options: unknown, side: JoinSide): JoinThreadOptions {
  const given = options ?? {}
  if (typeof given !== 'object' || Array.isArray(given))
    throw new InvalidArgumentError('joinThread(name, options) takes an object as its options')
  const parsed = SCHEMAS[side].safeParse(given)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    if (issue?.code === 'unrecognized_keys') throw unknownOption(issue.keys[0] ?? '', side)
    const name = issue?.path.join('.') || 'options'
    throw new InvalidArgumentError(`joinThread option ${name} ${issue?.message ?? 'is malformed'}`)
  }
  if (parsed.data.ghost !== true) {
    throw new UnsupportedOperationError(
      'Only ghost threads are supported: call joinThread(name, { ghost: true }); persistent threads would store messages, which this extension never does',
    )
  }
  return parsed.data
}

function unknownOption(name: string, side: JoinSide): InvalidArgumentError {
  const why =
    THREEBOX_ONLY[name] ??
    (Object.hasOwn(PAGE_ONLY, name)
      ? 'it is applied where pages meet rooms (the extension and the in-page SDK), which know the page’s site; here, filter posts with addFilter()'
      : `the options are ${Object.keys(SCHEMAS[side].shape).join(', ')}`)
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
