/** The tuning numbers of src/web, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// ens-names.ts
/** How long an answer is kept: names change rarely, and each lookup is two calls to the wallet. */
export const ENS_NAME_KEPT_MS = 60 * 60 * 1000
/** A lookup that failed (no name, another chain, the wallet refused) is tried again after this. */
export const ENS_MISS_KEPT_MS = 10 * 60 * 1000
/** Accounts whose answer is kept at once. */
export const ENS_NAMES_KEPT = 500

// connect.ts
/** How long connect() waits for the extension to announce itself before it hosts in the page. */
export const DEFAULT_EXTENSION_WAIT_MS = 300
