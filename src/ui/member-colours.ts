import { GOLDEN_ANGLE } from './constants.js'

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
