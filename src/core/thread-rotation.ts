/**
 * Moving a private room to a new invite (issue 25): the only way to remove someone from a
 * room whose invite is the room. Its creator (the invite names it) makes a new secret and
 * boxes it to each member it keeps (room-rekey.ts), in `rekey` messages on the old room;
 * each kept member opens its box, joins the room of the new invite, and its thread moves
 * there. A member whose box is in none of the parts was not kept: its thread closes with
 * `removed`, and what is said after is sealed with keys it does not hold. The creator
 * also rotates on a schedule, keeping everyone present, so a secret taken later does not
 * read what was said before (forward secrecy, per interval).
 */
import { base64url } from 'multiformats/bases/base64'
import { INVITE_SECRET_BYTES, REKEY_BOXES_PER_MESSAGE, REKEY_PARTS_WAIT_MS } from './constants.js'
import { NotAMemberError, UnsupportedOperationError } from './errors.js'
import type { SpaceSigner } from './identity.js'
import { assertRotateOptions, type RotateOptions } from './invite.js'
import type { UnsignedClaims } from './jwt.js'
import { inviteCreator, inviteWith } from './private-room.js'
import { boxSecret, openBox } from './room-rekey.js'
import type { RekeyClaims } from './schema.js'
import type { ThreadTimings } from './thread-timings.js'
import type { TimerSet } from './timer-set.js'
import type { PubSubTransport } from './transport.js'
import { encodeUtf8 } from './utf8.js'

export interface ThreadRotationInit {
  /** The room's invite; undefined in a public room, which has none to rotate. */
  invite: string | undefined
  topic: string
  signer: SpaceSigner
  transport: PubSubTransport
  timers: TimerSet
  sign: (claims: UnsignedClaims) => Promise<{ jwt: string }>
  isClosed: () => boolean
  /** The DIDs of the members online now, ours left out. */
  members: () => string[]
  /** How often the creator rotates by itself (PRIVATE_ROTATION_MS). */
  intervalMs: number
  timings: Pick<ThreadTimings, 'rekeyGraceMs'>
  now: () => number
  /**
   * Our box came (or we rotated): the thread moves to the room of `invite`. `keptOnly`:
   * our rotation removed someone, and these are the members it kept (room-forwarder.ts
   * lets no one else on from the old room).
   */
  moved: (invite: string, keptOnly: string[] | undefined) => Promise<void>
  /** A rotation left us out. */
  removed: () => void
}

export class ThreadRotation {
  /** The room's creator, as its invite names it; undefined in a public room. */
  readonly creator: string | undefined
  /** The parts we have seen of each rotation that held no box of ours. */
  private readonly heard = new Map<string, Set<number>>()
  private moving = false
  /** When this thread began to hear the room. */
  private startedMs = 0

  constructor(private readonly init: ThreadRotationInit) {
    this.creator = init.invite === undefined ? undefined : inviteCreator(init.invite)
  }

  get isCreator(): boolean {
    return this.creator !== undefined && this.creator === this.init.signer.did
  }

  /** The creator rotates on its schedule, keeping everyone present then. */
  start(): void {
    this.startedMs = this.init.now()
    if (this.isCreator)
      this.init.timers.after(this.init.intervalMs, () => void this.rotate().catch(() => undefined))
  }

  /**
   * Moves the room to a new invite, kept by every member present but `remove`; resolves
   * to the new invite once the boxes went out and our thread moved. Creator only.
   */
  async rotate(options: RotateOptions = {}): Promise<string> {
    assertRotateOptions(options)
    if (this.creator === undefined)
      throw new UnsupportedOperationError(
        'A public room has no invite to rotate: anyone who knows its name can join it',
      )
    if (!this.isCreator)
      throw new UnsupportedOperationError(
        `Only the room's creator (${this.creator}) can give it a new invite; ask them to remove someone`,
      )
    const removed = new Set(options.remove ?? [])
    const members = this.init.members()
    const unknown = [...removed].find((did) => !members.includes(did))
    if (unknown !== undefined)
      throw new NotAMemberError(
        `${unknown} is not in this room now; a member who left does not get the new invite anyway`,
      )
    const secret = globalThis.crypto.getRandomValues(new Uint8Array(INVITE_SECRET_BYTES))
    const kept = members.filter((did) => !removed.has(did))
    await sendRekey(this.init, secret, kept, [...removed])
    const invite = inviteWith(secret, this.creator as string)
    await this.move(invite, removed.size > 0 ? kept : undefined)
    return invite
  }

  /** A verified `rekey` from the room: acted on only when the creator sent it. */
  async received(claims: RekeyClaims): Promise<void> {
    if (claims.iss !== this.creator || this.isCreator || this.moving) return
    const secret = await openBox(this.init.signer, claims)
    if (secret !== undefined) return this.move(inviteWith(secret, claims.iss), undefined)
    if (claims.removed?.includes(this.init.signer.did)) {
      this.heard.clear()
      return this.init.removed()
    }
    // A rotation made as we arrived did not know we were here: the creator boxes us the
    // new key once it hears us in this room (room-forwarder.ts), so it does not leave us out.
    if (claims.iat * 1000 < this.startedMs + this.init.timings.rekeyGraceMs) return
    let parts = this.heard.get(claims.rotation)
    if (parts === undefined) {
      parts = new Set()
      this.heard.set(claims.rotation, parts)
      // Parts lost on the way: a member without its box by then was not kept.
      this.init.timers.after(REKEY_PARTS_WAIT_MS, () => this.leftOut(claims.rotation))
    }
    parts.add(claims.part)
    if (parts.size >= claims.parts) this.leftOut(claims.rotation)
  }

  private leftOut(rotation: string): void {
    if (!this.heard.has(rotation) || this.moving || this.init.isClosed()) return
    this.heard.clear()
    this.init.removed()
  }

  private async move(invite: string, keptOnly: string[] | undefined): Promise<void> {
    if (this.moving || this.init.isClosed()) return
    this.moving = true
    await this.init.moved(invite, keptOnly)
  }
}

/** Where a `rekey` goes, and who signs it. */
export interface RekeySender {
  topic: string
  transport: PubSubTransport
  sign: (claims: UnsignedClaims) => Promise<{ jwt: string }>
}

/**
 * Sends `secret` boxed to each of `members` in `rekey` messages on the room (a new
 * rotation), naming the members it `removed`; REKEY_BOXES_PER_MESSAGE of each a message,
 * and one message when there are none.
 */
export async function sendRekey(
  to: RekeySender,
  secret: Uint8Array,
  members: string[],
  removed: string[] = [],
): Promise<void> {
  const rotation = base64url.baseEncode(globalThis.crypto.getRandomValues(new Uint8Array(16)))
  const { eph, boxes } = boxSecret(secret, members, rotation)
  const each = REKEY_BOXES_PER_MESSAGE
  const parts = Math.max(1, Math.ceil(boxes.length / each), Math.ceil(removed.length / each))
  for (let part = 1; part <= parts; part++) {
    const named = removed.slice((part - 1) * each, part * each)
    const { jwt } = await to.sign({
      type: 'rekey',
      room: to.topic,
      rotation,
      part,
      parts,
      eph,
      boxes: boxes.slice((part - 1) * each, part * each),
      ...(named.length > 0 ? { removed: named } : {}),
    })
    await to.transport.publish(to.topic, encodeUtf8(jwt))
  }
}
