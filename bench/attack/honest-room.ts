/**
 * The people an attack is aimed at: honest Ghost Threads peers (real libp2p nodes, the
 * default timings) in one room through the relay process. Two of them talk at a steady
 * pace while an attack runs; every post is timed from `post()` to each other member's
 * `message` event.
 */
import { DEFAULT_TIMINGS } from '../../src/core/index.js'
import { type NetPeer, startNetPeer, stopAll } from '../../test/helpers/net-peer.js'
import { waitFor } from '../../test/helpers/wait.js'

export interface HonestTraffic {
  sent: number
  /** Deliveries made, of `sent × (members - 1)` expected. */
  delivered: number
  expected: number
  latenciesMs: number[]
}

export class HonestRoom {
  private phase = 0

  private constructor(readonly peers: NetPeer[]) {}

  static async start(relayAddress: string, room: string, members: number): Promise<HonestRoom> {
    const peers: NetPeer[] = []
    for (let i = 0; i < members; i++)
      peers.push(await startNetPeer({ relays: [relayAddress], room, timings: DEFAULT_TIMINGS }))
    const everyoneListsEveryone = () =>
      peers.every((peer) => peer.events.joined.length >= members - 1)
    await waitFor(everyoneListsEveryone, { timeoutMs: 30_000, what: 'the honest room to form' })
    return new HonestRoom(peers)
  }

  get topic(): string {
    return (this.peers[0] as NetPeer).thread.topic
  }

  /**
   * `perSecond` posts in all from the first two members for `durationMs`, then waits up to
   * `drainMs` for them to arrive. Counted per receiving member.
   */
  async talk(durationMs: number, perSecond: number, drainMs = 3_000): Promise<HonestTraffic> {
    const tag = `honest-${++this.phase}-`
    const sentAt = new Map<string, number>()
    const latenciesMs: number[] = []
    const listeners = this.peers.map((peer) => {
      const listener = (post: { author: string; message: unknown }) => {
        // Our own posts reach our own listeners too: only other members count.
        const at = post.author === peer.did ? undefined : sentAt.get(String(post.message))
        if (at !== undefined) latenciesMs.push(Date.now() - at)
      }
      peer.thread.on('message', listener)
      return () => peer.thread.off('message', listener)
    })
    const senders = this.peers.slice(0, 2)
    const gapMs = 1000 / perSecond
    const started = Date.now()
    let sent = 0
    while (Date.now() - started < durationMs) {
      const text = `${tag}${sent}`
      const sender = senders[sent % senders.length] as NetPeer
      sentAt.set(text, Date.now())
      sent++
      // Counted from the call: signing and queueing are part of what a user waits for.
      void sender.thread.post(text).catch(() => undefined)
      const next = started + sent * gapMs
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())))
    }
    const expected = sent * (this.peers.length - 1)
    await waitFor(() => latenciesMs.length >= expected, { timeoutMs: drainMs }).catch(
      () => undefined,
    )
    for (const stop of listeners) stop()
    return { sent, delivered: latenciesMs.length, expected, latenciesMs }
  }

  /** `channel:reason` refusals all members made since `from` (an index per member). */
  refusalsSince(from: number[]): string[] {
    return this.peers.flatMap((peer, i) => peer.refusals.slice(from[i] ?? 0))
  }

  refusalMarks(): number[] {
    return this.peers.map((peer) => peer.refusals.length)
  }

  stop(): Promise<void> {
    return stopAll(this.peers)
  }
}
