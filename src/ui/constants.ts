/** The tuning numbers and fixed choices of src/ui, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// member-colours.ts
/** The golden angle (degrees): hues this far apart never repeat, however many members come. */
export const GOLDEN_ANGLE = 137.508

// Reactions.tsx
/** The emoji offered when adding a reaction (any one emoji is accepted on the wire). */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '🙏'] as const
