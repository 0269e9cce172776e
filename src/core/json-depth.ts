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
