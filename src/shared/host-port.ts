/**
 * What travels on a page's port to the host (Chrome's offscreen document): the page's
 * thread events, and the hot path of thread calls. A one-shot runtime message costs about
 * 6 ms per round trip on a loaded machine (bench:browser); two of them per post were most
 * of a message's latency. Calls that only touch a thread the page already holds go over
 * the port; everything that needs a permission decision (openSpace, joinThread) goes
 * through the router. The host parses every call again and checks the lease's owner
 * against the browser's sender record of the port.
 */
import type { DappMethod } from './dapp-methods.js'
import type { Outcome } from './errors.js'
import type { ThreadEvent } from './thread-events.js'

/** Thread calls a page may make over its port. */
export const PORT_METHODS = [
  'post',
  'getPosts',
  'listMembers',
  'requestBacklog',
  'closeThread',
  'typing',
  'react',
] as const
export type PortMethod = (typeof PORT_METHODS)[number] & DappMethod

export function isPortMethod(method: string): method is PortMethod {
  return (PORT_METHODS as readonly string[]).includes(method)
}

export type ToHost = { call: { id: number; method: PortMethod; params: unknown } }

export type FromHost =
  | { ready: true }
  | { events: ThreadEvent[] }
  | { reply: { id: number; outcome: Outcome } }
