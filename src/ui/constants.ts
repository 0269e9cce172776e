/** The tuning numbers of src/ui, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// member-colours.ts
/**
 * A colour for each member of one room, no two alike. A hash of the DID (the popup's
 * colourOf) collides often enough in a room of twenty that two people look like one; here
 * each member gets the next free hue of a sequence that spreads around the circle (golden
 * angle steps), in the order they appeared, and keeps it while the room is open.
 */
export const GOLDEN_ANGLE = 137.508
