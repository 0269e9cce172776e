/** The tuning numbers of src/background, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// prompt-broker.ts
/** How long a prompt the user closed counts as a refusal for its site and space. */
export const PROMPT_DISMISSED_MS = 60_000

// offscreen-host.ts
/** Its script registers its listeners as it loads; a call may arrive a moment before. */
export const DELIVERY_ATTEMPTS = 5
export const DELIVERY_RETRY_DELAY_MS = 60
