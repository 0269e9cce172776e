import type { ErrorData } from './errors.js'
import type { ThreadEvent } from './thread-events.js'

export const TO_EXTENSION = 'ghost-threads:to-extension'
export const TO_PAGE = 'ghost-threads:to-page'

/** Request ids are counters; anything else is not ours. */
export const MAX_REQUEST_ID = Number.MAX_SAFE_INTEGER

export interface PageRequest {
  tag: typeof TO_EXTENSION
  id: number
  method: string
  params: unknown
}

export type PageReply =
  | { tag: typeof TO_PAGE; id: number; result: unknown }
  | { tag: typeof TO_PAGE; id: number; error: ErrorData }

/** Events are not replies: they carry no id. */
export interface PageNotice {
  tag: typeof TO_PAGE
  events: ThreadEvent[]
}

/** The extension restarted while the page was in the back/forward cache: its threads are gone. */
export interface PageReset {
  tag: typeof TO_PAGE
  reset: true
}

export type ToPage = PageReply | PageNotice | PageReset
