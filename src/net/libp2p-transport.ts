/**
 * The core's `PubSubTransport` over a libp2p node with gossipsub. The core's handler runs
 * as the gossipsub topic validator: a message it rejects is never forwarded, and the peer
 * that sent it loses score (peer-penalties.ts). Direct protocols run as one-frame request/response streams,
 * routed through the relays a member names in its own signed claims.
 */

import type { GossipSub } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { PeerUnreachableError } from '../core/errors.js'
import type {
  DeliveryListener,
  Published,
  PubSubTransport,
  RequestHandler,
  RequestOptions,
  Settled,
  SubscriptionChange,
  TopicHandler,
} from '../core/transport.js'
import {
  CIRCUIT_RETRIES,
  CIRCUIT_RETRY_MS,
  MESH_POLL_MS,
  MESH_WAIT_MS,
  RELAY_CONNECT_WAIT_MS,
  ROUTE_TIMEOUT_MS,
} from './constants.js'
import type { PeerPenalties } from './peer-penalties.js'
import { PublishQueue } from './publish-queue.js'
import { peerOf } from './relay-keeper.js'
import { sendRequest, serveRequests } from './stream-request.js'

export type GossipNode = Libp2p<{ pubsub: GossipSub }>

export interface Libp2pTransportInit {
  /** Relays we hold a connection to now (`.../p2p/<relay>`): our routes and room servers. */
  relays?: () => Multiaddr[]
  /**
   * Where to dial a relay that a member named in its claims: only relays we know (our
   * configured ones), never an address a member hands us, so nobody can make peers dial
   * a victim (v1's discovery topic did).
   */
  relayAddress?: (relayId: string) => Multiaddr | undefined
  /** Whether relays are configured: a join then waits for one to be connected (receiving). */
  expectsRelays?: boolean
  /** Which peers are relays (default: those we hold as our relays, `relays`). */
  isRelay?: (peerId: string) => boolean
  /** Where a rejected message counts against the peer that handed it to us. */
  penalties?: PeerPenalties
}

const VALIDATION: Record<Awaited<ReturnType<TopicHandler>>, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
}

export class Libp2pTransport implements PubSubTransport {
  readonly peerId: string
  private readonly pubsub: GossipSub
  private readonly relays: () => Multiaddr[]
  private readonly relayAddress: (relayId: string) => Multiaddr | undefined
  private readonly expectsRelays: boolean
  private readonly isRelay: (peerId: string) => boolean
  private readonly penalties: PeerPenalties | undefined
  private readonly deliveryListeners = new Set<DeliveryListener>()
  readonly queue = new PublishQueue({
    onDropped: (topic, id) => this.delivered(topic, id, 'dropped'),
  })

  constructor(
    private readonly node: GossipNode,
    init: Libp2pTransportInit = {},
  ) {
    this.peerId = node.peerId.toString()
    this.pubsub = node.services.pubsub
    this.relays = init.relays ?? (() => [])
    this.relayAddress = init.relayAddress ?? (() => undefined)
    this.expectsRelays = init.expectsRelays ?? false
    this.isRelay = init.isRelay ?? ((peerId) => this.routes().includes(peerId))
    this.penalties = init.penalties
    this.pubsub.addEventListener('subscription-change', (event) => {
      for (const { topic, subscribe } of event.detail.subscriptions)
        if (subscribe) void this.flush(topic)
    })
  }

  subscribe(topic: string, handler: TopicHandler): void {
    this.pubsub.topicValidators.set(topic, async (peer, message) => {
      const from = peer.toString()
      const fromRelay = this.isRelay(from)
      const verdict = await handler({ topic, data: message.data, from, fromRelay })
      if (verdict === 'reject') this.penalties?.add(from)
      return VALIDATION[verdict]
    })
    this.pubsub.subscribe(topic)
  }

  unsubscribe(topic: string): void {
    this.pubsub.unsubscribe(topic)
    this.pubsub.topicValidators.delete(topic)
    this.queue.clear(topic)
  }

  async publish(topic: string, data: Uint8Array, id?: string): Promise<Published> {
    if (this.pubsub.getSubscribers(topic).length === 0) {
      this.queue.add(topic, data, id)
      return 'queued'
    }
    // Queued messages go first, in order. They are flushed when a subscriber appears, but
    // one queued while a subscriber was already known again (a relay failing over) would
    // wait for the next subscription change, and everything after it too: a post made
    // right after a relay stopped reached nobody in one crowd test run.
    if (this.queue.has(topic)) {
      await this.flush(topic)
    }
    await this.pubsub.publish(topic, data)
    return 'sent'
  }

  onDelivery(listener: DeliveryListener): () => void {
    this.deliveryListeners.add(listener)
    return () => this.deliveryListeners.delete(listener)
  }

  private delivered(topic: string, id: string, delivery: Settled): void {
    for (const listener of this.deliveryListeners) listener(topic, id, delivery)
  }

  /**
   * Until a peer has us in its gossipsub mesh for `topic` (our mesh holds it: a GRAFT goes
   * both ways). A peer that subscribes before it has heard its relay's subscriptions is
   * grafted only at the relay's next heartbeat, and posts forwarded before then never
   * reach it: the ten-peer room lost 2 of 100 that way. A node still connecting to its
   * relay waits for that too: first for the connection (a busy relay took over 2 s; a
   * join sent before it went out without the relay's member list, and 140 of 300
   * newcomers then beat again within 20 s, each beat checked by every member), at most
   * RELAY_CONNECT_WAIT_MS; then two heartbeats for the mesh (a node with no one to reach
   * joins that much later, and its join waits in the publish queue as before).
   */
  async receiving(topic: string): Promise<void> {
    // The implementation has it; the exported interface does not list it.
    const meshOf = (this.pubsub as { getMeshPeers?: (topic: string) => string[] }).getMeshPeers
    if (meshOf === undefined) return
    const inMesh = () => meshOf.call(this.pubsub, topic).length > 0
    const poll = () => new Promise((resolve) => setTimeout(resolve, MESH_POLL_MS))
    const relayDeadline = Date.now() + RELAY_CONNECT_WAIT_MS
    while (this.expectsRelays && this.relays().length === 0 && !inMesh()) {
      if (Date.now() >= relayDeadline) return
      await poll()
    }
    const deadline = Date.now() + MESH_WAIT_MS
    while (Date.now() < deadline && !inMesh()) await poll()
  }

  subscribers(topic: string): string[] {
    return this.pubsub.getSubscribers(topic).map((peer) => peer.toString())
  }

  routes(): string[] {
    return this.relays().flatMap((relay) => peerOf(relay) ?? [])
  }

  roomServers(topic: string): string[] {
    const serving = new Set(this.subscribers(topic))
    return this.routes().filter((relay) => serving.has(relay))
  }

  onSubscriptionChange(listener: (change: SubscriptionChange) => void): () => void {
    const onChange = (
      event: CustomEvent<{
        peerId: PeerId
        subscriptions: { topic: string; subscribe: boolean }[]
      }>,
    ): void => {
      const peerId = event.detail.peerId.toString()
      for (const { topic, subscribe } of event.detail.subscriptions)
        listener({ topic, peerId, subscribed: subscribe })
    }
    this.pubsub.addEventListener('subscription-change', onChange)
    return () => this.pubsub.removeEventListener('subscription-change', onChange)
  }

  handle(protocol: string, handler: RequestHandler): void {
    void serveRequests(this.node, protocol, handler)
  }

  unhandle(protocol: string): void {
    void this.node.unhandle(protocol)
  }

  async request(
    peerId: string,
    protocol: string,
    data: Uint8Array,
    options: RequestOptions = {},
  ): Promise<Uint8Array> {
    let lastError: unknown
    const aborted = () => options.signal?.aborted === true
    const attempt = async (patient: boolean): Promise<Uint8Array | undefined> => {
      for (const target of this.dialTargets(peerId, options.relays ?? [], patient)) {
        if (aborted()) return undefined
        // An open connection or a circuit answers in milliseconds when it works; one that
        // stalls (a connection still being set up) must not use up the whole request.
        // The last, patient try gets whatever time is left.
        // Our relay is only slow, not stalled: a busy relay answering a crowd's member list
        // needs more than 1.5 s. A member's WebRTC connection gets no such grace: a fresh
        // one can stall its first stream, and a DM to a just-joined browser then used up
        // all 5 s on it (CI, twice).
        const signal =
          patient || this.isOurRelay(target)
            ? options.signal
            : AbortSignal.any([
                ...(options.signal === undefined ? [] : [options.signal]),
                AbortSignal.timeout(ROUTE_TIMEOUT_MS),
              ])
        try {
          return await sendRequest(this.node, target, protocol, data, { signal })
        } catch (err) {
          lastError = err
        }
      }
      return undefined
    }
    const id = parsePeerId(peerId)
    const hadConnection = id !== undefined && this.node.getConnections(id).length > 0
    let started = Date.now()
    let answer = await attempt(false)
    // A peer that has just joined may not hold its reservation on a relay yet: the
    // circuit is refused at once. Ask again a few times, while refusals come quickly
    // (a route that stalls instead goes to the patient try below).
    for (
      let retry = 0;
      answer === undefined &&
      retry < CIRCUIT_RETRIES &&
      !aborted() &&
      Date.now() - started < ROUTE_TIMEOUT_MS;
      retry++
    ) {
      await abortableSleep(CIRCUIT_RETRY_MS, options.signal)
      started = Date.now()
      answer = await attempt(false)
    }
    // Last, every route at once (WebRTC too, signalled through the relays) with the time left.
    if (answer === undefined && !aborted()) answer = await attempt(true)
    if (id !== undefined && !hadConnection) this.closeIdleCircuits(id)
    if (answer !== undefined) return answer
    const why = lastError instanceof Error ? `: ${lastError.message}` : ''
    throw new PeerUnreachableError(`peer ${peerId} did not answer ${protocol}${why}`)
  }

  /**
   * A circuit we opened for one request (we had no connection to the peer before) is
   * closed after it. Each newcomer asks a few
   * members for the backlog: kept open, every peer of a 150-member room held ~10 relayed
   * connections, each pinged and identified through the relay (the idle relay's largest
   * cost). A circuit in use by something else (a stream open, WebRTC signalling) stays.
   */
  private closeIdleCircuits(id: PeerId): void {
    for (const connection of this.node.getConnections(id)) {
      if (connection.limits !== undefined && connection.streams.length === 0)
        void connection.close().catch(() => undefined)
    }
  }

  /**
   * An open connection (WebRTC, or a circuit already up) first; then circuits through the
   * relays the peer named in its signed claims, as far as we know them (connected ones
   * first); then circuits through our own relays, where a peer of the same relay holds
   * its reservation.
   */
  private dialTargets(
    peer: string,
    named: readonly string[],
    patient: boolean,
  ): Array<PeerId | Multiaddr[]> {
    const id = parsePeerId(peer)
    if (id === undefined) return []
    const relays = this.relaysToward(named).filter((relay) => peerOf(relay) !== peer)
    const circuits = relays.map((relay) => multiaddr(`${relay}/p2p-circuit/p2p/${peer}`))
    if (patient) {
      const webrtc = relays.map((relay) => multiaddr(`${relay}/p2p-circuit/webrtc/p2p/${peer}`))
      return this.node.getConnections(id).length > 0 ? [id] : [[...circuits, ...webrtc]]
    }
    const routes = circuits.map((circuit) => [circuit])
    return this.node.getConnections(id).length > 0 ? [id, ...routes] : routes
  }

  private isOurRelay(target: PeerId | Multiaddr[]): boolean {
    return !Array.isArray(target) && this.routes().includes(target.toString())
  }

  /**
   * The relays to reach a member through: those it named (connected ones first, then
   * those we know the address of), then our own.
   */
  relaysToward(named: readonly string[]): Multiaddr[] {
    const ours = new Map(this.relays().map((relay) => [peerOf(relay) ?? '', relay]))
    // A dial tries these in turn within one timeout: a relay we would first have to
    // connect to goes after those we hold.
    const held = named.flatMap((relayId) => ours.get(relayId) ?? [])
    const known = named.flatMap((relayId) =>
      ours.has(relayId) ? [] : (this.relayAddress(relayId) ?? []),
    )
    const others = [...ours].flatMap(([relayId, address]) =>
      named.includes(relayId) ? [] : [address],
    )
    return [...held, ...known, ...others]
  }

  private async flush(topic: string): Promise<void> {
    const pending = this.queue.take(topic)
    for (const { data, id } of pending) {
      // A publish can fail when the last subscriber left meanwhile: that one never went.
      const went = await this.pubsub.publish(topic, data).then(
        () => true,
        () => false,
      )
      if (id !== undefined) this.delivered(topic, id, went ? 'sent' : 'dropped')
    }
  }
}

function parsePeerId(peer: string): PeerId | undefined {
  try {
    return peerIdFromString(peer)
  } catch {
    return undefined
  }
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
