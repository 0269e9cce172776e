/** The tuning numbers of src/prompt, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// PromptWindow.tsx
/** While the user reads, keep asking: that also keeps Chrome's service worker awake. */
export const KEEP_ALIVE_MS = 10_000
