/**
 * Why a thread ended, once for every host: its `closed` event carries it, `closedReason`
 * and `close()` give it, and every later call rejects with a ThreadClosedError that names
 * it and says what to do (DESIGN.md "Dapp API"). A page used to be told nothing: the demo
 * kept showing the room after the user left it in the popup, until a post failed.
 */
export const CLOSED_BECAUSE = {
  /** The page (or the engine's owner) called close(). */
  closed: 'This thread was closed (close() was called); call joinThread() to join the room again',
  /** The user pressed Leave for this room in the Ghost Threads popup. */
  'left-in-popup':
    'The user left this room in the Ghost Threads popup; call joinThread() to join it again',
  /** The user revoked the site's permission for the space. */
  revoked: "The user revoked this site's permission for this space; call openSpace() to ask again",
  /** The user imported another identity: the thread's DID is no longer theirs. */
  'identity-changed':
    'The user switched to another identity in Ghost Threads; call openSpace() and joinThread() again',
  /** The extension's host restarted and the room could not be joined again. */
  'host-restarted':
    'Ghost Threads restarted and could not join this room again; call joinThread() to try again',
  /** A private room moved to a new invite; the engine's thread ends, its successor goes on. */
  moved:
    "This private room moved to a new invite (see the 'moved' event); join it with that invite",
  /** The room's creator moved it to a new invite and did not give it to us. */
  removed:
    "The room's creator gave this private room a new invite and did not pass it to you; ask them for the new link",
} as const

export type ClosedReason = keyof typeof CLOSED_BECAUSE
