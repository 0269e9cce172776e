/**
 * Gossipsub forwards only topics a node is subscribed to, so a relay that is the hub of a
 * room must subscribe to it (FIELD-NOTES). The mirror subscribes to every room topic a
 * member connected here joins, and leaves it when the last one is gone. Other relays do
 * not count as members: two meshed relays would otherwise keep a room alive for each
 * other forever. Every message of a mirrored room passes the same receipt rules as at
 * any peer, so the relay forwards nothing a member would refuse.
 */
import type { Libp2p } from '@libp2p/interface'
import type { ReceiptRules } from '../core/receipt-rules.js'
import { isTopic } from '../core/room-name.js'
import { RELAY_AGENT_PREFIX } from '../net/constants.js'
import type { Libp2pTransport } from '../net/libp2p-transport.js'

export interface RoomMirrorInit {
  node: Libp2p
  transport: Libp2pTransport
  rules: ReceiptRules
  onMessage?: (bytes: number) => void
  onRoomsChanged?: (rooms: number) => void
}

export class RoomMirror {
  private readonly mirrored = new Set<string>()
  /** Connected peers that identified as relays; learnt once per connection, not per check. */
  private readonly relays = new Set<string>()
  private readonly node: Libp2p
  private readonly transport: Libp2pTransport

  constructor(private readonly init: RoomMirrorInit) {
    this.node = init.node
    this.transport = init.transport
  }

  start(): void {
    // Deferred: gossipsub emits this while it still handles the peer's RPC. Subscribing
    // from inside that handler lost messages in the 10-peer and relay-restart tests
    // (2 failing runs of 11); deferred, 0 of 14.
    this.transport.onSubscriptionChange(({ topic }) => {
      setTimeout(() => this.reconcile(topic), 0)
    })
    // Gossipsub forgets a peer's topics when it disconnects, without an event of its own.
    this.node.addEventListener('peer:disconnect', (event) => {
      this.relays.delete(event.detail.toString())
      setTimeout(() => this.reconcileAll(), 0)
    })
    // A peer found to be a relay after it subscribed no longer keeps rooms alive.
    this.node.addEventListener('peer:identify', ({ detail }) => {
      if (!(detail.agentVersion?.startsWith(RELAY_AGENT_PREFIX) ?? false)) return
      this.relays.add(detail.peerId.toString())
      this.reconcileAll()
    })
  }

  rooms(): string[] {
    return [...this.mirrored]
  }

  private reconcileAll(): void {
    for (const topic of [...this.mirrored]) this.reconcile(topic)
  }

  private reconcile(topic: string): void {
    if (!isTopic(topic)) return
    const wanted = this.transport.subscribers(topic).some((peer) => !this.relays.has(peer))
    if (wanted && !this.mirrored.has(topic)) {
      this.mirrored.add(topic)
      this.transport.subscribe(topic, async (message) => {
        this.init.onMessage?.(message.data.length)
        const verdict = await this.init.rules.check(message.data, {
          topic,
          channel: 'pubsub',
          from: message.from,
        })
        return verdict.action
      })
    } else if (!wanted && this.mirrored.has(topic)) {
      this.mirrored.delete(topic)
      this.transport.unsubscribe(topic)
    } else return
    this.init.onRoomsChanged?.(this.mirrored.size)
  }
}
