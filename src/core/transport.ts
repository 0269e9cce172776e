/**
 * What the thread engine needs from a network: gossipsub-style topics plus direct
 * request/response streams to one peer. src/net implements it over libp2p; the in-memory
 * hub implements it for tests. Peer ids are opaque strings here.
 */

/** Gossipsub's validation outcomes: only `accept`ed messages are forwarded. */
export type ValidationResult = 'accept' | 'reject' | 'ignore'

export interface IncomingMessage {
  topic: string
  data: Uint8Array
  /** The peer that handed us the message (not necessarily its author). */
  from: string
  /**
   * Whether `from` is a relay: a relay limits what each of its clients sends, so what it
   * forwards is not limited again per peer (all of a browser's room traffic comes
   * through one relay connection).
   */
  fromRelay?: boolean
}

/**
 * Validates and, when accepted, delivers one message. The transport calls it once per
 * message before forwarding it, and forwards only on `accept`.
 */
export type TopicHandler = (message: IncomingMessage) => Promise<ValidationResult>

export type RequestHandler = (data: Uint8Array, from: string) => Promise<Uint8Array>

export interface SubscriptionChange {
  topic: string
  peerId: string
  subscribed: boolean
}

export interface RequestOptions {
  signal?: AbortSignal
  /** Relays the peer said (in its signed claims) it can be reached through. */
  relays?: readonly string[]
}

/**
 * What became of a published message, as a dapp hears it: `sent` (handed to the
 * network), `queued` (held while nobody in the room can be reached), then `sent` or
 * `dropped` (nobody could be reached in time).
 */
export type Delivery = 'sent' | 'queued' | 'dropped'
/** What publish() did at once. */
export type Published = Exclude<Delivery, 'dropped'>
/** What became of a queued message later. */
export type Settled = Exclude<Delivery, 'queued'>

export type DeliveryListener = (topic: string, id: string, delivery: Settled) => void

export interface PubSubTransport {
  readonly peerId: string
  subscribe(topic: string, handler: TopicHandler): void
  unsubscribe(topic: string): void
  /**
   * Publishes to a topic. Resolves to `sent` once the message is handed to the network,
   * or to `queued` when no subscriber is known yet and the transport holds it; with an
   * `id`, `onDelivery` later says whether a queued one was sent or dropped.
   */
  publish(topic: string, data: Uint8Array, id?: string): Promise<Published>
  /**
   * What became of queued messages published with an id: sent once someone could be
   * reached, or dropped (too old for receivers, or the queue was full). Returns the
   * remover. Optional: a transport that never queues has nothing to tell.
   */
  onDelivery?(listener: DeliveryListener): () => void
  /** Peers we know to be subscribed to `topic`. */
  subscribers(topic: string): string[]
  /**
   * Relays (peer ids) we can be reached through now, for our own `join`/`presence` claims.
   * Optional: a network where every peer reaches every other needs none.
   */
  routes?(): string[]
  /**
   * Peers that keep `topic`'s member list and answer a backlog request with it: our
   * relays serving the room. A newcomer asks them first, so no member has to answer its
   * join room-wide. Optional: without them, small rooms answer joins and backlog answers
   * carry the member list.
   */
  roomServers?(topic: string): string[]
  /**
   * Resolves once posts published to `topic` will reach us, or after the transport's own
   * bound. In gossipsub a subscriber receives forwarded messages only once a peer has it
   * in its mesh; a join announced before that can be answered by posts that never arrive.
   * Optional: a network that delivers to every subscriber at once needs no wait.
   */
  receiving?(topic: string): Promise<void>
  /** Subscribe to peers joining and leaving topics; returns the unsubscribe function. */
  onSubscriptionChange(listener: (change: SubscriptionChange) => void): () => void
  handle(protocol: string, handler: RequestHandler): void
  unhandle(protocol: string): void
  /** One request, one response. Rejects with PeerUnreachableError when the peer cannot answer. */
  request(
    peerId: string,
    protocol: string,
    data: Uint8Array,
    options?: RequestOptions,
  ): Promise<Uint8Array>
}
