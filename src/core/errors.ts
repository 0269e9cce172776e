/**
 * Named errors. Callers branch on `err.name`; errors that reach a dapp also carry the
 * EIP-1193 `code` (4001 rejected, 4100 unauthorized, 4200 unsupported, 4900 disconnected,
 * -32602 invalid params) because dapps branch on numbers. Each default message says what
 * the caller can do about it.
 */
import { CLOSED_BECAUSE, type ClosedReason } from './closed-reason.js'

export const ErrorCode = {
  userRejected: 4001,
  unauthorized: 4100,
  unsupported: 4200,
  disconnected: 4900,
  invalidParams: -32602,
  internal: -32603,
  /** EIP-1474's "limit exceeded". */
  limitExceeded: -32005,
  /** EIP-1474's "resource unavailable" (wallets: a request of that kind already pending). */
  resourceUnavailable: -32002,
} as const

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode]

export class GhostThreadsError extends Error {
  static override name = 'GhostThreadsError'
  readonly code: ErrorCodeValue

  constructor(message: string, code: ErrorCodeValue = ErrorCode.internal) {
    super(message)
    // Each subclass declares `static name`, so this survives minification.
    this.name = new.target.name
    this.code = code
  }
}

export class InvalidNameError extends GhostThreadsError {
  static override name = 'InvalidNameError'
  constructor(message = 'Space and room names are 1–64 characters of A-Z, a-z, 0-9, _ and -') {
    super(message, ErrorCode.invalidParams)
  }
}

export class InvalidArgumentError extends GhostThreadsError {
  static override name = 'InvalidArgumentError'
  constructor(message = 'An argument has the wrong type or value; check the API reference') {
    super(message, ErrorCode.invalidParams)
  }
}

export class InvalidMessageError extends GhostThreadsError {
  static override name = 'InvalidMessageError'
  constructor(
    message = 'A message must be a JSON value (string, number, boolean, null, array or object)',
  ) {
    super(message, ErrorCode.invalidParams)
  }
}

export class MessageTooLargeError extends GhostThreadsError {
  static override name = 'MessageTooLargeError'
  constructor(message = 'The message is too large; send less text or split it into several posts') {
    super(message, ErrorCode.invalidParams)
  }
}

export class UnsupportedOperationError extends GhostThreadsError {
  static override name = 'UnsupportedOperationError'
  constructor(message = 'Ghost threads do not support this operation') {
    super(message, ErrorCode.unsupported)
  }
}

export class ThreadClosedError extends GhostThreadsError {
  static override name = 'ThreadClosedError'
  /** Why the thread ended, when known (the thread's `closed` event said the same). */
  readonly reason: ClosedReason | undefined

  constructor(reason?: ClosedReason) {
    super(
      reason === undefined
        ? 'This thread was closed; join the room again to keep chatting'
        : CLOSED_BECAUSE[reason],
      ErrorCode.disconnected,
    )
    this.reason = reason
  }
}

export class NotAMemberError extends GhostThreadsError {
  static override name = 'NotAMemberError'
  constructor(
    message = 'That DID is not online in this room; direct messages reach online members only (see listMembers())',
  ) {
    super(message, ErrorCode.invalidParams)
  }
}

export class DirectMessageFailedError extends GhostThreadsError {
  static override name = 'DirectMessageFailedError'
  constructor(
    message = 'The direct message was not delivered; the member may have just left, try again',
  ) {
    super(message, ErrorCode.disconnected)
  }
}

export class PeerUnreachableError extends GhostThreadsError {
  static override name = 'PeerUnreachableError'
  constructor(message = 'The peer could not be reached') {
    super(message, ErrorCode.disconnected)
  }
}

export class InvalidSeedError extends GhostThreadsError {
  static override name = 'InvalidSeedError'
  constructor(message = 'An identity seed is exactly 32 random bytes') {
    super(message, ErrorCode.invalidParams)
  }
}

export class RateLimitedError extends GhostThreadsError {
  static override name = 'RateLimitedError'
  constructor(
    message = 'Posting faster than rooms accept from one member; wait a moment and post again',
  ) {
    super(message, ErrorCode.limitExceeded)
  }
}

/** A wallet link that does not hold for this DID and space (issue 14). */
export class WalletLinkError extends GhostThreadsError {
  static override name = 'WalletLinkError'
  constructor(message = 'The wallet link does not hold; sign a fresh link message for this space') {
    super(message, ErrorCode.invalidParams)
  }
}
