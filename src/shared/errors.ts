/**
 * Errors a dapp meets that the core does not define: the extension's own refusals. Like
 * the core's, each carries an EIP-1193 `code` and a message that says what to do. Errors
 * cross the extension's hops as plain `ErrorData` and become `Error`s again in the page.
 */
import { ErrorCode, type ErrorCodeValue, GhostThreadsError } from '../core/errors.js'

export class UserRejectedError extends GhostThreadsError {
  static override name = 'UserRejectedError'
  constructor(
    message = 'The user denied this site access to Ghost Threads; they can allow it again in the extension popup',
  ) {
    super(message, ErrorCode.userRejected)
  }
}

export class UnauthorizedError extends GhostThreadsError {
  static override name = 'UnauthorizedError'
  constructor(
    message = 'This site may not use that space yet; call openSpace(name) first so the user can allow it',
  ) {
    super(message, ErrorCode.unauthorized)
  }
}

export class UnsupportedMethodError extends GhostThreadsError {
  static override name = 'UnsupportedMethodError'
  constructor(
    message = 'Ghost Threads does not know that method; see the API reference in the README',
  ) {
    super(message, ErrorCode.unsupported)
  }
}

export class DisconnectedError extends GhostThreadsError {
  static override name = 'DisconnectedError'
  constructor(
    message = 'The Ghost Threads extension did not answer (it restarted or was updated); try the call again',
  ) {
    super(message, ErrorCode.disconnected)
  }
}

export class InvalidRequestError extends GhostThreadsError {
  static override name = 'InvalidRequestError'
  constructor(
    message = 'The request was malformed; use window.ghostThreads rather than raw messages',
  ) {
    super(message, ErrorCode.invalidParams)
  }
}

export class UnknownThreadError extends GhostThreadsError {
  static override name = 'UnknownThreadError'
  constructor(
    message = 'This thread is closed (the page left it, or the extension restarted); join the room again',
  ) {
    super(message, ErrorCode.disconnected)
  }
}

export class InvalidRecoveryPhraseError extends GhostThreadsError {
  static override name = 'InvalidRecoveryPhraseError'
  constructor(message = 'This is not a Ghost Threads recovery phrase; check it word by word') {
    super(message, ErrorCode.invalidParams)
  }
}

export class RoomNotOpenError extends GhostThreadsError {
  static override name = 'RoomNotOpenError'
  constructor(
    message = 'No tab is in this room any more; join it from a page to chat in it again',
  ) {
    super(message, ErrorCode.disconnected)
  }
}

/** Another context's error, rethrown here with its own name, code and message. */
export class ForwardedError extends GhostThreadsError {
  static override name = 'ForwardedError'
  constructor(data: ErrorData) {
    super(data.message, data.code as ErrorCodeValue)
    this.name = data.name
  }
}

/** An error as it crosses a hop: only these three fields, all strings or numbers. */
export interface ErrorData {
  name: string
  code: number
  message: string
}

/** Plain data for any thrown value; unknown failures keep their message but get code -32603. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof GhostThreadsError)
    return { name: err.name, code: err.code, message: err.message }
  const message = err instanceof Error ? err.message : String(err)
  return { name: 'InternalError', code: ErrorCode.internal, message }
}

/** What a call across a hop resolves to: never a thrown error, so nothing is lost in transit. */
export type Outcome<T = unknown> = { ok: true; result: T } | { ok: false; error: ErrorData }

export async function outcomeOf<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, result: await work() }
  } catch (err) {
    return { ok: false, error: toErrorData(err) }
  }
}

/** The result of another context's call, or its error rethrown here by name (the reverse of outcomeOf). */
export async function resultOf<T>(outcome: Promise<Outcome<T>>): Promise<T> {
  const answer = await outcome
  if (!answer.ok) throw new ForwardedError(answer.error)
  return answer.result
}

export class TooManyThreadsError extends GhostThreadsError {
  static override name = 'TooManyThreadsError'
  constructor(
    message = 'This page holds as many thread handles as it may; close some (closeThread) or reuse the ones it has',
  ) {
    super(message, ErrorCode.limitExceeded)
  }
}

/** A site named relays on the user's computer or network, which the user has not allowed. */
export class LocalRelayError extends GhostThreadsError {
  static override name = 'LocalRelayError'
  constructor(
    message = 'This site named a relay on this computer or its local network; sites may do so only when the user allows it in the Ghost Threads settings',
  ) {
    super(message, ErrorCode.unauthorized)
  }
}

export class PromptPendingError extends GhostThreadsError {
  static override name = 'PromptPendingError'
  constructor(
    message = 'This site already has a permission prompt open; wait for the user to answer it',
  ) {
    super(message, ErrorCode.resourceUnavailable)
  }
}

/** In-page host only: another tab of the same site already runs the node. */
export class PageHostBusyError extends GhostThreadsError {
  static override name = 'PageHostBusyError'
  constructor(
    message = 'Another tab of this site already runs Ghost Threads in the page (no extension is installed): chat in that tab, or close it and call connect() again here. With the Ghost Threads extension every tab can chat.',
  ) {
    super(message, ErrorCode.resourceUnavailable)
  }
}

/** linkWallet() found no EIP-1193 wallet to sign with. */
export class WalletUnavailableError extends GhostThreadsError {
  static override name = 'WalletUnavailableError'
  constructor(message = 'No wallet on this page; pass an EIP-1193 provider to linkWallet()') {
    super(message, ErrorCode.unsupported)
  }
}
