/**
 * The gate between a web page and the extension (hand-written on purpose: it is the
 * security boundary). It reads only messages that this very window posted with the
 * page's tag, from the page's own origin; checks that each is JSON, within a size cap and
 * a nesting depth, and names a method of the dapp contract (its params are parsed where
 * it is served); and answers only to the page's own origin. It decides nothing: permissions
 * are the router's, and the router takes the origin from the browser, not from us.
 */

import { encodeUtf8 } from '../core/utf8.js'
import { MAX_PAGE_REQUEST_BYTES } from '../shared/constants.js'
import { earlyRefusal } from '../shared/dapp-method-names.js'
import {
  DisconnectedError,
  type ErrorData,
  InvalidRequestError,
  type Outcome,
  toErrorData,
  UnsupportedMethodError,
} from '../shared/errors.js'
import type { PageCall, PageProtocol } from '../shared/messengers.js'
import { MAX_REQUEST_ID, TO_EXTENSION, TO_PAGE, type ToPage } from '../shared/page-wire.js'
import type { ThreadEvent } from '../shared/thread-events.js'

export interface GateEnvironment {
  /** This document's session id (newSession()); events for another session are dropped. */
  session?: string
  /** The window the gate serves; messages from any other source are ignored. */
  window: unknown
  /** `location.origin` of that window. */
  origin: string
  postToPage(message: ToPage): void
  /** Sends a checked call on (router, or the host's port); rejects when that went away mid-call. */
  callRouter(call: PageCall): Promise<Outcome>
}

export interface WindowMessage {
  source: unknown
  origin: string
  data: unknown
}

/** The messages the content script answers (PageProtocol's router → page half). */
export function contentHandlers(gate: ContentGate) {
  return {
    'page:events': (batch: { session: string; events: ThreadEvent[] }) => gate.onEvents(batch),
  } satisfies { [K in Extract<keyof PageProtocol, 'page:events'>]: unknown }
}

export function newSession(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

export class ContentGate {
  readonly session: string

  constructor(private readonly env: GateEnvironment) {
    this.session = env.session ?? newSession()
  }

  /** Pages with an opaque origin (sandboxed frames, data: URLs) cannot be told apart: no service. */
  get serves(): boolean {
    return /^https?:\/\//.test(this.env.origin)
  }

  /** One window `message` event. Resolves when the answer was posted (tests wait on it). */
  async onWindowMessage(event: WindowMessage): Promise<void> {
    if (!this.serves || event.source !== this.env.window || event.origin !== this.env.origin) return
    const data = event.data
    if (typeof data !== 'object' || data === null) return
    const { tag, id, method, params } = data as Record<string, unknown>
    if (tag !== TO_EXTENSION) return
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || id > MAX_REQUEST_ID) return
    const refusal = this.refusal(method, params)
    if (refusal !== undefined) return this.reply(id, { ok: false, error: refusal })
    let outcome: Outcome
    try {
      outcome = await this.env.callRouter({
        session: this.session,
        method: method as string,
        params,
      })
    } catch {
      outcome = { ok: false, error: toErrorData(new DisconnectedError()) }
    }
    this.reply(id, outcome)
  }

  /** Events from the router; false when they were meant for an earlier document in this frame. */
  onEvents(batch: { session: string; events: ThreadEvent[] }): boolean {
    if (batch.session !== this.session) return false
    this.env.postToPage({ tag: TO_PAGE, events: batch.events })
    return true
  }

  /** Restored from the back/forward cache: the extension let go of our threads meanwhile. */
  onRestored(): void {
    this.env.postToPage({ tag: TO_PAGE, reset: true })
  }

  private refusal(method: unknown, params: unknown): ErrorData | undefined {
    let size: number
    try {
      size = encodeUtf8(JSON.stringify({ method, params }) ?? '').length
    } catch {
      return toErrorData(
        new InvalidRequestError(
          'The request is not JSON (a cycle, a BigInt or a function?); send plain data',
        ),
      )
    }
    if (size > MAX_PAGE_REQUEST_BYTES) {
      return toErrorData(
        new InvalidRequestError(
          `The request is ${size} bytes as JSON, the limit is ${MAX_PAGE_REQUEST_BYTES}; send less`,
        ),
      )
    }
    // The params' shape is the router's and the host's to parse (they trust no content
    // script, and say the same); what is refused here is cheap to tell without a schema.
    const refused = earlyRefusal(method, params)
    if (refused === undefined) return undefined
    return toErrorData(
      refused.unsupported
        ? new UnsupportedMethodError(refused.message)
        : new InvalidRequestError(refused.message),
    )
  }

  private reply(id: number, outcome: Outcome): void {
    this.env.postToPage(
      outcome.ok
        ? { tag: TO_PAGE, id, result: outcome.result }
        : { tag: TO_PAGE, id, error: outcome.error },
    )
  }
}
