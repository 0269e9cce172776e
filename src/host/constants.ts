/** The tuning numbers of src/host, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// kept-rooms.ts
/** Private rooms the user may keep (their invites stored beside the seed). */
export const MAX_KEPT_ROOMS = 100

// room-feed.ts
/** DIDs remembered per room to show offline members. */
export const SEEN_LIMIT = 500

// owner-outbox.ts
/** A page that is slow to take its events keeps at most this many waiting. */
export const MAX_WAITING_EVENTS = 2_000
/** A page that did not take its events is tried again after this (the router may be waking). */
export const REDELIVERY_DELAY_MS = 250

// thread-leases.ts
/**
 * Handles one page may hold in one room, and in all: each handle gets every event of its
 * room, so 2,000 joins of one room made one post 2,000 events for that page.
 */
export const MAX_HANDLES_PER_PAGE_ROOM = 8
export const MAX_HANDLES_PER_PAGE = 64
/** Handles remembered as revoked, so their next use says 4100 rather than "closed". */
export const REVOKED_REMEMBERED = 1_000

// room-status-watch.ts
/** How often the rooms' links are read. */
export const STATUS_CHECK_MS = 1_000
/**
 * How long a room that never reached anyone is `connecting` before it is `offline`: a
 * relay that answers takes ~0.2 s idle and up to ~3 s on a busy machine (FIELD-NOTES);
 * one that is down fails its dial within the relay keeper's first backoff steps.
 */
export const CONNECTING_GRACE_MS = 10_000

// ghost-host.ts
/**
 * Members a page is listed at most (listMembers, listMembersWithAddresses), ours first: a
 * room of 5,000 made each call ~0.6 MB through the page's messaging; the count
 * (`memberCount`, the `members` event) is of all of them.
 */
export const PAGE_MEMBERS_LISTED = 1_000
