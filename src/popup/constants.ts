/** The tuning numbers of src/popup, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// MessageList.tsx
/** Within this many pixels of the bottom counts as "at the bottom". */
export const STICK_PX = 48

// store.ts
/** Rooms come and go as tabs join and leave; the popup looks again this often. */
export const STATUS_EVERY_MS = 1_000
/** A waiting room request answers after this long without news, so members stay current. */
export const ROOM_WAIT_MS = 2_000
/** After a failed request (the room closed, the host restarting): this long till the next. */
export const ROOM_RETRY_MS = 1_000
/** An answer with nothing new that came sooner than this is not followed by another at once. */
export const ROOM_MIN_POLL_MS = 250
