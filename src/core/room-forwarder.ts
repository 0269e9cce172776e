/**
 * The rooms a private room moved away from, kept by its creator (issue 25). A rotation
 * boxes the new key to the members online then; a member away at the time, one that
 * joined as it happened, or someone opening an older link (a kept room, a link in a chat)
 * would arrive in an empty room. So the creator keeps listening in each room it moved
 * away from, for FORWARDED_ROOM_MS (MAX_FORWARDED_ROOMS at most): a member it hears say
 * `join` or `presence` there gets the room's current key boxed to its DID (a `rekey` as
 * in a rotation: its thread moves on), gathered for FORWARD_GATHER_MS so that members
 * arriving together share one message.
 *
 * Removal must hold against the removed member's old links, whatever DID it comes back
 * with (a new one costs nothing). So a rotation that removed someone ends the answering
 * in every older room of the room, and in the room it left lets on only the members it
 * kept (one that lost its part); anyone else there gets a `rekey` that names it removed:
 * its thread closes with `removed`. After a scheduled rotation (nobody removed), anyone with
 * the older link is let on, as the link let them in before. Once the creator leaves the
 * room, nobody forwards: a link older than the last rotation then leads nowhere.
 */
import {
  FORWARD_GATHER_MS,
  FORWARD_REBOX_MS,
  FORWARDED_ROOM_MS,
  INVITE_SECRET_BYTES,
  MAX_FORWARDED_ROOMS,
} from './constants.js'
import type { SpaceSigner } from './identity.js'
import { signClaims, type UnsignedClaims } from './jwt.js'
import { inviteSecret, type PrivateRoomKeys } from './private-room.js'
import type { ReceiptRules } from './receipt-rules.js'
import { SealedTransport } from './sealed-transport.js'
import { sendRekey } from './thread-rotation.js'
import { TimerSet } from './timer-set.js'
import type { IncomingMessage, PubSubTransport, ValidationResult } from './transport.js'

export interface ForwardedRoom {
  /** The room moved away from: where late members arrive. */
  keys: PrivateRoomKeys
  space: string
  signer: SpaceSigner
  /** The room's chain of moves (its space, name and creator): a removal ends the older rooms'. */
  lineage: string
  /** The rotation away from it removed someone: only these members (it kept) are let on. */
  keptOnly?: readonly string[]
  /** The room's invite now (following later moves); undefined once we left the room. */
  current: () => string | undefined
}

export interface RoomForwarderInit {
  /** The node's transport: each old room is heard through a sealed transport of its own. */
  transport: PubSubTransport
  rules: ReceiptRules
  now: () => number
}

interface Watch {
  room: ForwardedRoom
  sealed: SealedTransport
  timers: TimerSet
  /** Members heard since the last `rekey`, to be boxed the key (or told they were removed). */
  heard: Set<string>
  /** When each member was last boxed the key. */
  boxedAt: Map<string, number>
}

export class RoomForwarder {
  /** By old topic, oldest first. */
  private readonly watches = new Map<string, Watch>()

  constructor(private readonly init: RoomForwarderInit) {}

  /** Begins answering in the room `room.keys` names (the oldest past the cap is let go). */
  watch(room: ForwardedRoom): void {
    const topic = room.keys.topic
    this.forget(topic)
    // A removal: no older link of this room lets anyone on any more.
    if (room.keptOnly !== undefined)
      for (const [older, watch] of this.watches)
        if (watch.room.lineage === room.lineage) this.forget(older)
    const timers = new TimerSet()
    const sealed = new SealedTransport(this.init.transport, room.keys, this.init.now)
    const watch: Watch = { room, sealed, timers, heard: new Set(), boxedAt: new Map() }
    this.watches.set(topic, watch)
    this.init.rules.privateRoomOpened(topic, room.space)
    sealed.subscribe(topic, (message) => this.heard(watch, message))
    timers.after(FORWARDED_ROOM_MS, () => this.forget(topic))
    while (this.watches.size > MAX_FORWARDED_ROOMS)
      this.forget(this.watches.keys().next().value as string)
  }

  /** Stops answering in `topic` (we joined it again ourselves, or its time is up). */
  forget(topic: string): void {
    const watch = this.watches.get(topic)
    if (watch === undefined) return
    this.watches.delete(topic)
    watch.timers.stop()
    watch.sealed.unsubscribe(topic)
    this.init.rules.privateRoomClosed(topic)
  }

  stop(): void {
    for (const topic of [...this.watches.keys()]) this.forget(topic)
  }

  private async heard(watch: Watch, message: IncomingMessage): Promise<ValidationResult> {
    const topic = watch.room.keys.topic
    const verdict = await this.init.rules.check(message.data, {
      topic,
      channel: 'pubsub',
      from: message.from,
      fromRelay: message.fromRelay === true,
    })
    if (verdict.action !== 'accept') return verdict.action
    const { type, iss } = verdict.message.claims
    if ((type !== 'join' && type !== 'presence') || iss === watch.room.signer.did) return 'accept'
    if (watch.room.current() === undefined) {
      // We left the room: nobody here can move anyone on.
      this.forget(topic)
      return 'accept'
    }
    // A member boxed the key lately moves on; its presences meanwhile are not answered
    // again. A `join` is a new arrival and always is: a box can reach nobody (a presence
    // of a member that was closing came in late), and its owner may come back at once.
    const boxed = watch.boxedAt.get(iss)
    const lately = boxed !== undefined && this.init.now() - boxed < FORWARD_REBOX_MS
    if (lately && type !== 'join') return 'accept'
    if (watch.heard.size === 0) watch.timers.after(FORWARD_GATHER_MS, () => void this.answer(watch))
    watch.heard.add(iss)
    return 'accept'
  }

  /** One `rekey` for the members heard: the current key boxed to the kept ones. */
  private async answer(watch: Watch): Promise<void> {
    const { room, sealed } = watch
    const invite = room.current()
    const heard = [...watch.heard]
    watch.heard.clear()
    if (invite === undefined || !this.watches.has(room.keys.topic)) return
    const kept = heard.filter((did) => room.keptOnly?.includes(did) ?? true)
    for (const did of kept) watch.boxedAt.set(did, this.init.now())
    const sign = async (claims: UnsignedClaims) => signClaims(room.signer, claims, this.init.now())
    await sendRekey(
      { topic: room.keys.topic, transport: sealed, sign },
      inviteSecret(invite).subarray(0, INVITE_SECRET_BYTES),
      kept,
      heard.filter((did) => !kept.includes(did)),
    ).catch(() => undefined)
  }
}
