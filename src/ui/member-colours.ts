import { GOLDEN_ANGLE } from './constants.js'

/**
 * A colour for each member of one room, no two alike. A hash of the DID (the popup's
 * colourOf) collides often enough in a room of twenty that two people look like one; here
 * each member gets the next free hue of a sequence that spreads around the circle (golden
 * angle steps), in the order they appeared, and keeps it while the room is open.
 */
export class MemberColours {
  private readonly hues = new Map<string, number>()

  /** The member's colour, given once and kept. */
  of(did: string): string {
    let hue = this.hues.get(did)
    if (hue === undefined) {
      hue = (this.hues.size * GOLDEN_ANGLE + 200) % 360
      this.hues.set(did, hue)
    }
    return `hsl(${hue.toFixed(1)} 62% 40%)`
  }
}
