/**
 * The dapp contract's method names and the checks that need no schema: what the content
 * script, which runs in every page the user opens, checks of a page's call (shared/
 * dapp-methods.ts holds each method's params schema, parsed where the call is served: the
 * router, the host's page ports, the in-page host). Kept apart so that the content script
 * does not carry the schema library (issue 23: 134 KiB in every page, zod's Function
 * constructor among it).
 */
import { MAX_JSON_DEPTH } from '../core/constants.js'
import { nestsDeeperThan, notJsonAt } from '../core/json-depth.js'

export const DAPP_METHOD_NAMES = [
  'openSpace',
  'joinThread',
  'post',
  'getPosts',
  'listMembers',
  'requestBacklog',
  'closeThread',
  'listMembersWithAddresses',
  'typing',
  'react',
  'memberCount',
  'rotateInvite',
  'prepareLink',
  'completeLink',
  'unlinkWallet',
] as const

export type DappMethod = (typeof DAPP_METHOD_NAMES)[number]

export function isDappMethod(value: unknown): value is DappMethod {
  return typeof value === 'string' && (DAPP_METHOD_NAMES as readonly string[]).includes(value)
}

/** What a message may be, in the words every refusal of one uses. */
export const JSON_VALUE_RULE =
  'must be a JSON value (a string, a finite number, true/false, null, an array or a plain object); undefined, NaN, Infinity, dates and functions are not'

/** Why a call is refused before its params' schema is read; undefined when it is not. */
export interface EarlyRefusal {
  unsupported: boolean
  message: string
}

/** An unknown method, or params nested too deep for a schema to walk safely. */
export function earlyRefusal(method: unknown, params: unknown): EarlyRefusal | undefined {
  if (!isDappMethod(method)) {
    const shown = typeof method === 'string' ? JSON.stringify(method.slice(0, 40)) : typeof method
    return {
      unsupported: true,
      message: `Unknown method ${shown}; supported: ${DAPP_METHOD_NAMES.join(', ')}`,
    }
  }
  // Checked before any schema, which recurses (a request nested 2,500 deep was never answered).
  if (nestsDeeperThan(params, MAX_JSON_DEPTH + 2)) {
    return {
      unsupported: false,
      message: `Invalid params for ${method}: a message may nest at most ${MAX_JSON_DEPTH} arrays and objects; flatten it`,
    }
  }
  // Before any hop that serializes as JSON: NaN would arrive as null and a Date as text.
  const notJson = notJsonAt(params)
  if (notJson !== undefined) {
    const where = notJson === '' ? 'params' : `params.${notJson}`
    return {
      unsupported: false,
      message: `Invalid ${where} for ${method}: ${JSON_VALUE_RULE}`,
    }
  }
  return undefined
}
