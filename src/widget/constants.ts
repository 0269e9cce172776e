/** The tuning numbers of src/widget, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// chat-store.ts
/** At most this many lines are kept (a busy room must not grow the page without end). */
export const LINES_KEPT = 500

// ChatApp.tsx
/** How near the bottom (px) still counts as reading the newest message. */
export const AT_BOTTOM_PX = 24
