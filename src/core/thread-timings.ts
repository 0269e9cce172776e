import {
  BACKLOG_GATHER_MS,
  BACKLOG_PEERS_ASKED,
  MAX_PRESENCE_INTERVAL_MS,
  MEMBER_EXPIRY_MS,
  PRESENCE_INTERVAL_MS,
  PRESENCE_REPLY_JITTER_MS,
  PRIVATE_ROTATION_MS,
  REKEY_GRACE_MS,
  REQUEST_TIMEOUT_MS,
  ROOM_PRESENCE_PER_SECOND,
} from './constants.js'

/** How a thread paces itself; tests scale these down to milliseconds. */
export interface ThreadTimings {
  /** The heartbeat interval of a small room (the shortest)... */
  presenceIntervalMs: number
  /** ...and how long a presence holds at that interval; the ratio holds at any interval. */
  memberExpiryMs: number
  /** Heartbeats of the whole room per second: large rooms stretch the interval to keep it. */
  roomPresencePerSecond: number
  maxPresenceIntervalMs: number
  presenceReplyJitterMs: number
  backlogGatherMs: number
  backlogPeersAsked: number
  requestTimeoutMs: number
  /** How often a private room's creator moves it to a new key (thread-rotation.ts). */
  privateRotationMs: number
  /** A rotation this soon after a member arrived does not leave it out (REKEY_GRACE_MS). */
  rekeyGraceMs: number
}

export const DEFAULT_TIMINGS: ThreadTimings = {
  presenceIntervalMs: PRESENCE_INTERVAL_MS,
  memberExpiryMs: MEMBER_EXPIRY_MS,
  roomPresencePerSecond: ROOM_PRESENCE_PER_SECOND,
  maxPresenceIntervalMs: MAX_PRESENCE_INTERVAL_MS,
  presenceReplyJitterMs: PRESENCE_REPLY_JITTER_MS,
  backlogGatherMs: BACKLOG_GATHER_MS,
  backlogPeersAsked: BACKLOG_PEERS_ASKED,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  privateRotationMs: PRIVATE_ROTATION_MS,
  rekeyGraceMs: REKEY_GRACE_MS,
}
