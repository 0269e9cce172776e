/**
 * The `iss|jti` pairs seen, for replay protection, kept for as long as a copy could still
 * be accepted: until the pair's `iat` is older than the longest live age plus the clock
 * skew. An LRU forgot pairs by count instead, and 100,000 fresh messages within the age
 * span let a recorded JWT be accepted again (issue 12). Nothing is forgotten early: when
 * no room is left, `add` says no and the caller refuses the message instead of opening a
 * door to replays.
 *
 * Filling that window silenced everyone (issue 22): ~770 valid posts a second from fresh
 * DIDs for 130 s, and a member refused every honest message, in every room, until the
 * flood's pairs aged out. Two things hold it now:
 * - A pair is kept as a 53-bit keyed hash (SHA-256 of a random secret of this process and
 *   the pair, computed once per message: ~3 µs), 50–80 bytes a pair instead of 189, so
 *   about three times as many fit the memory the old window took: past the rate a peer
 *   verifies signatures at, not below it. A collision makes one new message look like a
 *   copy (about 1 in 10^10 per message at a full window); the secret keeps anyone from
 *   aiming at one.
 * - Each room has its own window, and a full one is full for the flooded room alone: a
 *   room under its fair share (capacity ÷ rooms holding pairs) may still add up to the
 *   reserve (a quarter of the capacity) beyond it. A flood silences its own room, not the
 *   others on the node (or, at a relay, the other rooms it carries).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { SEEN_JTI_RESERVE, SEEN_JTI_SWEEP_S } from './constants.js'
import { encodeUtf8 } from './utf8.js'

export class SeenJtis {
  /** Room → (hashed pair → `iat` in seconds since `baseS`), each in arrival order. */
  private readonly rooms = new Map<string, Map<number, number>>()
  private total = 0
  private readonly secret = crypto.getRandomValues(new Uint8Array(32))
  /** `iat`s are stored relative to this, so they stay small integers (no boxed numbers). */
  private readonly baseS = Math.floor(Date.now() / 1000)
  private sweptAtS = Number.NEGATIVE_INFINITY

  constructor(
    private readonly capacity: number,
    private readonly spanS: number,
  ) {}

  /** What the window keeps of a pair (`iss|jti`): pass it to `has` and `add`. */
  idOf(pair: string): number {
    const text = encodeUtf8(pair)
    const input = new Uint8Array(this.secret.length + text.length)
    input.set(this.secret)
    input.set(text, this.secret.length)
    const view = new DataView(sha256(input).buffer, 0, 8)
    return (view.getUint32(0) & 0x1f_ffff) * 2 ** 32 + view.getUint32(4)
  }

  has(room: string, id: number): boolean {
    return this.rooms.get(room)?.has(id) === true
  }

  /** Whether `room` can take no new pair now. */
  isFull(room: string, nowS: number): boolean {
    this.prune(room, nowS)
    if (this.total < this.capacity) return false
    const held = this.rooms.get(room)?.size ?? 0
    // A room holding nothing yet is not among `rooms`: it counts as one more.
    const fairShare = this.capacity / (this.rooms.size + (held === 0 ? 1 : 0))
    return held >= fairShare || this.total >= this.capacity * (1 + SEEN_JTI_RESERVE)
  }

  /** Remembers pair `id` while its `iat` is in the span; false when the room's window is full. */
  add(room: string, id: number, iatS: number, nowS: number): boolean {
    if (iatS < nowS - this.spanS) return true // too old to be accepted live again
    if (this.isFull(room, nowS)) return false
    let held = this.rooms.get(room)
    if (held === undefined) {
      held = new Map()
      this.rooms.set(room, held)
    }
    if (!held.has(id)) this.total++
    held.set(id, Math.round(iatS - this.baseS))
    return true
  }

  /** Pairs held, all rooms together. */
  get size(): number {
    return this.total
  }

  /** Drops `room`'s pairs out of the span (every room's, now and then). */
  private prune(room: string, nowS: number): void {
    const oldestS = nowS - this.spanS - this.baseS
    if (nowS - this.sweptAtS >= SEEN_JTI_SWEEP_S) {
      this.sweptAtS = nowS
      for (const name of this.rooms.keys()) this.pruneRoom(name, oldestS)
    } else this.pruneRoom(room, oldestS)
  }

  private pruneRoom(room: string, oldestS: number): void {
    const held = this.rooms.get(room)
    if (held === undefined) return
    // Arrival order is close to `iat` order: stop at the first pair still in the span.
    for (const [hashed, iatS] of held) {
      if (iatS >= oldestS) break
      held.delete(hashed)
      this.total--
    }
    if (held.size === 0) this.rooms.delete(room)
  }
}
