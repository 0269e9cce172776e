import {
  BACKLOG_GATHER_MS,
  BACKLOG_PEERS_ASKED,
  MEMBER_EXPIRY_MS,
  PRESENCE_INTERVAL_MS,
  PRESENCE_REPLY_JITTER_MS,
  REQUEST_TIMEOUT_MS,
} from './constants.js'

/** How a thread paces itself; tests scale these down to milliseconds. */
export interface ThreadTimings {
  presenceIntervalMs: number
  memberExpiryMs: number
  presenceReplyJitterMs: number
  backlogGatherMs: number
  backlogPeersAsked: number
  requestTimeoutMs: number
}

export const DEFAULT_TIMINGS: ThreadTimings = {
  presenceIntervalMs: PRESENCE_INTERVAL_MS,
  memberExpiryMs: MEMBER_EXPIRY_MS,
  presenceReplyJitterMs: PRESENCE_REPLY_JITTER_MS,
  backlogGatherMs: BACKLOG_GATHER_MS,
  backlogPeersAsked: BACKLOG_PEERS_ASKED,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
}
