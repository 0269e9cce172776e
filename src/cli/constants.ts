/** The tuning numbers of src/cli, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// chat-commands.ts
/** The longest line a terminal in canonical mode passes on (4,096 with its newline). */
export const TERMINAL_LINE_LIMIT = 4_095

// wallet-key.ts
/** How long a terminal's link holds (receivers refuse it after). */
export const TERMINAL_LINK_DAYS = 7
