/**
 * Gossipsub forwards only topics a node is subscribed to, so a relay that is the hub of a
 * room must subscribe to it (FIELD-NOTES). The mirror subscribes to every room topic a
 * member connected here joins, and leaves it when the last one is gone. Other relays do
 * not count as members: two meshed relays would otherwise keep a room alive for each
 * other forever. Every message of a mirrored room passes the same receipt rules as at
 * any peer, so the relay forwards nothing a member would refuse.
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ReceiptRules } from '../core/receipt-rules.js'
import { isTopic } from '../core/room-name.js'
import { decodeUtf8 } from '../core/utf8.js'
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
  private readonly node: Libp2p
  private readonly transport: Libp2pTransport

  constructor(private readonly init: RoomMirrorInit) {
    this.node = init.node
    this.transport = init.transport
  }

  start(): void {
    this.transport.onSubscriptionChange(({ topic }) => void this.reconcile(topic))
    // Gossipsub forgets a peer's topics when it disconnects, without an event of its own.
    this.node.addEventListener('peer:disconnect', () => {
      setTimeout(() => {
        for (const topic of [...this.mirrored]) void this.reconcile(topic)
      }, 0)
    })
    // A peer found to be a relay after it subscribed no longer keeps rooms alive.
    this.node.addEventListener('peer:identify', () => {
      for (const topic of [...this.mirrored]) void this.reconcile(topic)
    })
  }

  rooms(): string[] {
    return [...this.mirrored]
  }

  private async reconcile(topic: string): Promise<void> {
    if (!isTopic(topic)) return
    const wanted = (await this.memberSubscribers(topic)) > 0
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

  private async memberSubscribers(topic: string): Promise<number> {
    let members = 0
    for (const peer of this.transport.subscribers(topic)) {
      const known = await this.node.peerStore.get(peerIdFromString(peer)).catch(() => undefined)
      const agent = known?.metadata.get('AgentVersion')
      const isRelay = agent !== undefined && decodeUtf8(agent)?.startsWith(RELAY_AGENT_PREFIX)
      if (isRelay !== true) members++
    }
    return members
  }
}
