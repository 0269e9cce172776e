/**
 * What a relay keeps of a private room for its newcomers (issue 25): the envelopes as
 * they came, which it cannot read, so it cannot tell a post from a presence or a typing
 * signal. It keeps the newest few envelopes whatever they are (a room's last posts), and
 * within the last presence interval each client's newest few envelopes of each size (what a
 * relay sees anyway: who sent it, and its bucket), so every member's newest presence is
 * there, as a public room's roster holds it, without every beat and keystroke before it
 * (300 members joining got a copy of every join and beat each, ~3 MB, and ran the
 * machine out: issue 25's bench). All within a byte cap. The newcomer opens them and
 * checks each JWT inside as any backlog entry (sealed-transport.ts). */
import { base64url } from 'multiformats/bases/base64'
import {
  MAX_PRESENCE_INTERVAL_MS,
  SEALED_LOG_MIN_ENTRIES,
  SEALED_LOG_PER_SLOT,
  SEALED_LOG_ROOM_BYTES,
} from './constants.js'
import type { PrivateBacklogResponse } from './schema.js'

interface Kept {
  /**
   * The envelope in base64url, as answers carry it: encoded once when kept, however many
   * newcomers ask (a crowd's 300 joins asked ~1,000 times for the same envelopes).
   */
  text: string
  /** Its size on the wire: what the byte budgets count. */
  length: number
  atMs: number
  /** Its sender and size: a newer envelope of the same slot supersedes it. */
  slot?: string
  superseded?: boolean
}

export interface SealedLogLimits {
  windowMs: number
  minEntries: number
  maxBytes: number
  /** Envelopes of one sender and size kept in the window (SEALED_LOG_PER_SLOT). */
  perSlot: number
}

const DEFAULT_LIMITS: SealedLogLimits = {
  windowMs: MAX_PRESENCE_INTERVAL_MS,
  minEntries: SEALED_LOG_MIN_ENTRIES,
  maxBytes: SEALED_LOG_ROOM_BYTES,
  perSlot: SEALED_LOG_PER_SLOT,
}

export class SealedLog {
  private kept: Kept[] = []
  /** Each slot's newest envelopes, oldest first. */
  private readonly slots = new Map<string, Kept[]>()
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

  /**
   * Keeps one envelope that passed the room-key check, from `source` (the client that
   * handed it over; none when another relay did: its members are not ours to tell apart);
   * returns the bytes held more (or fewer).
   */
  add(envelope: Uint8Array, nowMs: number, source?: string): number {
    const entry: Kept = {
      text: base64url.baseEncode(envelope),
      length: envelope.length,
      atMs: nowMs,
    }
    if (source !== undefined) {
      entry.slot = `${source} ${entry.length}`
      const slot = this.slots.get(entry.slot) ?? []
      slot.push(entry)
      // Past the newest few of its sender and size, the oldest is superseded.
      if (slot.length > this.limits.perSlot) (slot.shift() as Kept).superseded = true
      this.slots.set(entry.slot, slot)
    }
    this.kept.push(entry)
    this.bytes += envelope.length
    return envelope.length - this.expire(nowMs)
  }

  /**
   * Lets go of envelopes, except the newest few, that a newer one of their slot replaced
   * or that are past the window, and of the oldest past the byte cap; returns the bytes freed.
   */
  expire(nowMs: number): number {
    const { windowMs, minEntries, maxBytes } = this.limits
    const newestFew = this.kept.length - minEntries
    let freed = 0
    const left = this.kept.filter((entry, at) => {
      const old = entry.superseded === true || nowMs - entry.atMs > windowMs
      if (at >= newestFew || !old) return true
      freed += this.drop(entry)
      return false
    })
    while (left.length > 0 && this.bytes - freed > maxBytes)
      freed += this.drop(left.shift() as Kept)
    if (freed === 0) return 0
    this.kept = left
    this.bytes -= freed
    this.letGo = true
    return freed
  }

  /** An entry leaves: its slot forgets it; the bytes it held. */
  private drop(entry: Kept): number {
    const slot = entry.slot === undefined ? undefined : this.slots.get(entry.slot)
    if (slot !== undefined && entry.slot !== undefined) {
      const left = slot.filter((other) => other !== entry)
      if (left.length > 0) this.slots.set(entry.slot, left)
      else this.slots.delete(entry.slot)
    }
    return entry.length
  }

  /** The envelopes kept, in base64url, oldest first (those that came from `sinceMs` on, if given). */
  texts(sinceMs = 0): string[] {
    return this.kept.filter((entry) => entry.atMs >= sinceMs).map((entry) => entry.text)
  }

  /** The same as bytes. */
  envelopes(sinceMs = 0): Uint8Array[] {
    return this.texts(sinceMs).map((text) => base64url.baseDecode(text))
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
    this.slots.clear()
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
  const envelopes = log.texts((sinceS ?? 0) * 1000)
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
