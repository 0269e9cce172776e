/**
 * The core's `PubSubTransport` over a libp2p node with gossipsub. The core's handler runs
 * as the gossipsub topic validator: a message it rejects is never forwarded, and the peer
 * that sent it loses score. Direct protocols run as one-frame request/response streams.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Libp2p, PeerId, PeerUpdate } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { PeerUnreachableError } from '../core/errors.js'
import type {
  PubSubTransport,
  RequestHandler,
  RequestOptions,
  SubscriptionChange,
  TopicHandler,
} from '../core/transport.js'
import { DISCOVERY_INTERVAL_MS, MESH_POLL_MS, MESH_WAIT_MS } from './constants.js'
import { PublishQueue } from './publish-queue.js'
import { sendRequest, serveRequests } from './stream-request.js'

export type GossipNode = Libp2p<{ pubsub: GossipSub }>

export interface Libp2pTransportInit {
  /** Relays to reach a peer through when no address of it is known (`.../p2p/<relay>`). */
  relays?: () => Multiaddr[]
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
  readonly queue = new PublishQueue()

  constructor(
    private readonly node: GossipNode,
    init: Libp2pTransportInit = {},
  ) {
    this.peerId = node.peerId.toString()
    this.pubsub = node.services.pubsub
    this.relays = init.relays ?? (() => [])
    this.pubsub.addEventListener('subscription-change', (event) => {
      for (const { topic, subscribe } of event.detail.subscriptions)
        if (subscribe) void this.flush(topic)
    })
  }

  subscribe(topic: string, handler: TopicHandler): void {
    this.pubsub.topicValidators.set(topic, async (peer, message) => {
      const verdict = await handler({ topic, data: message.data, from: peer.toString() })
      return VALIDATION[verdict]
    })
    this.pubsub.subscribe(topic)
  }

  unsubscribe(topic: string): void {
    this.pubsub.unsubscribe(topic)
    this.pubsub.topicValidators.delete(topic)
    this.queue.clear(topic)
  }

  async publish(topic: string, data: Uint8Array): Promise<void> {
    if (this.pubsub.getSubscribers(topic).length === 0 || this.queue.has(topic)) {
      this.queue.add(topic, data)
      return
    }
    await this.pubsub.publish(topic, data)
  }

  /**
   * Until a peer has us in its gossipsub mesh for `topic` (our mesh holds it: a GRAFT goes
   * both ways). A peer that subscribes before it has heard its relay's subscriptions is
   * grafted only at the relay's next heartbeat, and posts forwarded before then never
   * reach it: the ten-peer room lost 2 of 100 that way. A node still connecting to its
   * relay waits for that too. Bounded by two heartbeats (a node with no one to reach
   * joins that much later, and its join waits in the publish queue as before).
   */
  async receiving(topic: string): Promise<void> {
    // The implementation has it; the exported interface does not list it.
    const meshOf = (this.pubsub as { getMeshPeers?: (topic: string) => string[] }).getMeshPeers
    if (meshOf === undefined) return
    const deadline = Date.now() + MESH_WAIT_MS
    while (Date.now() < deadline && meshOf.call(this.pubsub, topic).length === 0)
      await new Promise((resolve) => setTimeout(resolve, MESH_POLL_MS))
  }

  subscribers(topic: string): string[] {
    return this.pubsub.getSubscribers(topic).map((peer) => peer.toString())
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
    const attempt = async (withOwnAddresses: boolean): Promise<Uint8Array | undefined> => {
      for (const target of await this.dialTargets(peerId, withOwnAddresses)) {
        if (aborted()) return undefined
        // An open connection or a circuit answers in milliseconds when it works; one that
        // stalls (a connection still being set up) must not use up the whole request.
        // The peer's own addresses, tried last, get whatever time is left.
        const signal = withOwnAddresses
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
    const addressKnown = await this.hasAddresses(peerId)
    let answer = await attempt(false)
    // A peer that joined through another relay is reachable once discovery has told us
    // its address, at most one discovery interval after it joined: wait for that, once.
    if (answer === undefined && !addressKnown && (await this.discovered(peerId, options.signal)))
      answer = await attempt(true)
    // A peer that has just joined may not hold its reservation on our relay yet: the
    // circuit is refused at once. Ask again a few times before the slow route.
    for (let retry = 0; answer === undefined && retry < CIRCUIT_RETRIES && !aborted(); retry++) {
      await abortableSleep(CIRCUIT_RETRY_MS, options.signal)
      answer = await attempt(false)
    }
    // Last, the peer's own addresses (WebRTC): no relay needed, but a first dial is slow.
    if (answer === undefined && !aborted()) answer = await attempt(true)
    if (answer !== undefined) return answer
    const why = lastError instanceof Error ? `: ${lastError.message}` : ''
    throw new PeerUnreachableError(`peer ${peerId} did not answer ${protocol}${why}`)
  }

  /**
   * A connected peer or one with known addresses (peer discovery fills them in) is dialled
   * by id; otherwise through each relay we use, where a browser holds its reservation.
   */
  private async dialTargets(
    peer: string,
    withOwnAddresses: boolean,
  ): Promise<Array<PeerId | Multiaddr[]>> {
    const id = parsePeerId(peer)
    if (id === undefined) return []
    const circuits = this.relays().map((relay) => [
      multiaddr(`${relay.toString()}/p2p-circuit/p2p/${peer}`),
    ])
    // An open connection first. Otherwise our relays before the peer's own addresses:
    // those are mostly WebRTC, whose first dial often takes longer than a request may
    // (FIELD-NOTES), while a circuit through a relay we hold answers in milliseconds.
    if (this.node.getConnections(id).length > 0) return [id, ...circuits]
    return withOwnAddresses && (await this.hasAddresses(peer)) ? [...circuits, id] : circuits
  }

  private async hasAddresses(peer: string): Promise<boolean> {
    const id = parsePeerId(peer)
    if (id === undefined) return false
    const known = await this.node.peerStore.get(id).catch(() => undefined)
    return (known?.addresses.length ?? 0) > 0
  }

  /**
   * Resolves true when addresses of `peer` arrive (discovery merges them into the peer
   * store), false on abort or timeout. `peer:discovery` fires only for a peer's first
   * record, often before its relay reservation exists, so we watch `peer:update`.
   */
  private discovered(peer: string, signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (found: boolean): void => {
        this.node.removeEventListener('peer:update', onUpdate)
        signal?.removeEventListener('abort', onAbort)
        clearTimeout(timer)
        resolve(found)
      }
      const onUpdate = (event: CustomEvent<PeerUpdate>): void => {
        const { id, addresses } = event.detail.peer
        if (id.toString() === peer && addresses.length > 0) done(true)
      }
      const onAbort = (): void => done(false)
      const timer = setTimeout(() => done(false), DISCOVERY_INTERVAL_MS + 1_000)
      if (signal?.aborted === true) return done(false)
      this.node.addEventListener('peer:update', onUpdate)
      signal?.addEventListener('abort', onAbort)
    })
  }

  private async flush(topic: string): Promise<void> {
    const pending = this.queue.take(topic)
    for (const data of pending) {
      // A publish can fail when the last subscriber left meanwhile; the backlog covers it.
      await this.pubsub.publish(topic, data).catch(() => undefined)
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

/** Longest one quick route (an open connection, a circuit) may take before the next is tried. */
const ROUTE_TIMEOUT_MS = 1_500
/** Circuits refused because the peer has no reservation yet: how often, how far apart. */
const CIRCUIT_RETRIES = 8
const CIRCUIT_RETRY_MS = 250

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
