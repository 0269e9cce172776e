/**
 * What a relay keeps of a private room for its newcomers (issue 25): the envelopes as
 * they came, which it cannot read, so it cannot tell a post from a presence or a typing
 * signal. It keeps every envelope of the last presence interval (each member's newest
 * presence is then among them, as a public room's roster holds it) and at least the
 * newest few beyond it (a quiet room's last posts), within a byte cap. The newcomer opens
 * them and checks each JWT inside as any backlog entry (sealed-transport.ts).
 */
import { base64url } from 'multiformats/bases/base64'
import {
  MAX_PRESENCE_INTERVAL_MS,
  SEALED_LOG_MIN_ENTRIES,
  SEALED_LOG_ROOM_BYTES,
} from './constants.js'
import type { PrivateBacklogResponse } from './schema.js'

interface Kept {
  envelope: Uint8Array
  atMs: number
}

export interface SealedLogLimits {
  windowMs: number
  minEntries: number
  maxBytes: number
}

const DEFAULT_LIMITS: SealedLogLimits = {
  windowMs: MAX_PRESENCE_INTERVAL_MS,
  minEntries: SEALED_LOG_MIN_ENTRIES,
  maxBytes: SEALED_LOG_ROOM_BYTES,
}

export class SealedLog {
  private kept: Kept[] = []
  private bytes = 0
  /** Something this room said is no longer here: the relay no longer vouches for all of it. */
  private letGo = false
  private readonly limits: SealedLogLimits

  /** `heardFromStart`: the relay has heard the room from its start (room-mirror.ts). */
  constructor(
    private heardFromStart: boolean,
    limits: Partial<SealedLogLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits }
  }

  /** Keeps one envelope that passed the room-key check; returns the bytes held more (or fewer). */
  add(envelope: Uint8Array, nowMs: number): number {
    this.kept.push({ envelope, atMs: nowMs })
    this.bytes += envelope.length
    return envelope.length - this.expire(nowMs)
  }

  /**
   * Lets go of envelopes past the window beyond the newest few, and the oldest past the
   * byte cap; returns the bytes freed.
   */
  expire(nowMs: number): number {
    const { windowMs, minEntries, maxBytes } = this.limits
    let drop = 0
    const overflow = this.kept.length - minEntries
    while (drop < overflow && nowMs - (this.kept[drop]?.atMs ?? nowMs) > windowMs) drop++
    let freed = 0
    for (let at = 0; at < drop; at++) freed += this.kept[at]?.envelope.length ?? 0
    while (drop < this.kept.length && this.bytes - freed > maxBytes) {
      freed += this.kept[drop]?.envelope.length ?? 0
      drop++
    }
    if (drop === 0) return 0
    this.kept = this.kept.slice(drop)
    this.bytes -= freed
    this.letGo = true
    return freed
  }

  /** The envelopes kept, oldest first (only those that came from `sinceMs` on, if given). */
  envelopes(sinceMs = 0): Uint8Array[] {
    return this.kept.filter((entry) => entry.atMs >= sinceMs).map((entry) => entry.envelope)
  }

  /** Whether the envelopes are all the room said: heard from its start, none let go. */
  get complete(): boolean {
    return this.heardFromStart && !this.letGo
  }

  /** A meshed relay of the room went away: what it carried may have missed us. */
  vouchNoMore(): void {
    this.heardFromStart = false
  }

  /** The room is no longer served here. */
  forget(): void {
    this.evict()
  }

  /** The relay needs the memory: everything goes; returns the bytes freed. */
  evict(): number {
    const freed = this.bytes
    if (this.kept.length > 0) this.letGo = true
    this.kept = []
    this.bytes = 0
    return freed
  }

  get heldBytes(): number {
    return this.bytes
  }
}

/**
 * A relay's answer from a room's envelopes: the newest that fit one answer (base64url
 * grows each by 4/3), and `complete` only when they are all the room said.
 */
export function sealedAnswer(
  log: SealedLog,
  sinceS: number | undefined,
  maxBytes: number,
): PrivateBacklogResponse {
  const envelopes = log.envelopes((sinceS ?? 0) * 1000).map((bytes) => base64url.baseEncode(bytes))
  let budget = maxBytes - 64
  let first = envelopes.length
  while (first > 0 && budget - ((envelopes[first - 1]?.length ?? 0) + 3) >= 0) {
    first--
    budget -= (envelopes[first]?.length ?? 0) + 3
  }
  const entries = envelopes.slice(first)
  const complete = sinceS === undefined && first === 0 && log.complete
  return complete ? { entries, complete } : { entries }
}
