import { MAX_JSON_DEPTH } from './constants.js'

/**
 * Whether a parsed JSON value nests deeper than `maxDepth` arrays and objects. Schema
 * libraries check JSON recursively: a 5 KB value nested 2,500 levels overflowed the stack
 * in zod before any signature was checked, and took the honest answers beside it down
 * (issue 12). This walks with its own stack, so any depth is safe to ask about.
 */
export function nestsDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 0]]
  while (pending.length > 0) {
    const [next, depth] = pending.pop() as [unknown, number]
    if (next === null || typeof next !== 'object') continue
    if (depth + 1 > maxDepth) return true
    for (const child of Object.values(next)) pending.push([child, depth + 1])
  }
  return false
}

/**
 * Where `value` holds something that is no JSON value (undefined, NaN or ±Infinity, a
 * function, a symbol, a bigint, a Date or other class instance), as a path like
 * `message.items.2`; undefined when it is all JSON. Checked before a value crosses a hop
 * that serializes it as JSON (NaN would arrive as null, a Date as a string, and pass).
 * Walks with its own stack, like nestsDeeperThan; call that first for deep values.
 */
export function notJsonAt(value: unknown, path = ''): string | undefined {
  const pending: [unknown, string][] = [[value, path]]
  while (pending.length > 0) {
    const [next, at] = pending.pop() as [unknown, string]
    if (next === null || typeof next === 'string' || typeof next === 'boolean') continue
    if (typeof next === 'number') {
      if (Number.isFinite(next)) continue
      return at
    }
    if (typeof next !== 'object') return at
    if (!Array.isArray(next) && !isPlainObject(next)) return at
    for (const [key, child] of Object.entries(next))
      pending.push([child, at === '' ? key : `${at}.${key}`])
  }
  return undefined
}

/**
 * An object literal's kind: its prototype is an Object.prototype (or none). Compared by
 * shape, not identity: in Firefox a content script reads the page's messages as objects of
 * the page's realm, whose Object.prototype is not the script's (every call was refused).
 */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === null || Object.getPrototypeOf(proto) === null
}
