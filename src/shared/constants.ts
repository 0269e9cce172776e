/** The tuning numbers of src/shared, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// page-wire.ts
/** The largest request a page may post, as JSON; a chat message is at most 8 KiB of it. */
export const MAX_PAGE_REQUEST_BYTES = 32 * 1024

// settings.ts
/** More than anyone blocks by hand; it bounds the storage and each post's check. */
export const MAX_BLOCKED = 1_000

// room-view.ts
/** Posts the host keeps per open room for the popup, and the popup shows at most. */
export const FEED_LIMIT = 1_000

// dapp-methods.ts
/** Relays a dapp may name for its rooms (the user sees them in the prompt). */
export const MAX_DAPP_RELAYS = 4
/** Members one rotateInvite may remove: within one page request (each DID ~56 bytes). */
export const MAX_ROTATION_REMOVALS = 200

// manage-requests.ts
/** Longest a room view request may wait for a new post (then it answers anyway). */
export const MAX_ROOM_WAIT_MS = 10_000

// ports.ts
/** Firefox suspends an idle background page after ~30 s even with live connections. */
export const PORT_PING_MS = 20_000
