import { PeerUnreachableError } from './errors.js'
import type {
  IncomingMessage,
  PubSubTransport,
  RequestHandler,
  RequestOptions,
  SubscriptionChange,
  TopicHandler,
  ValidationResult,
} from './transport.js'

/**
 * An in-memory network for tests and demos: every transport of a hub reaches every other
 * one directly, like a full gossipsub mesh. Each receiver validates in arrival order, as
 * gossipsub does, and every verdict is recorded so tests can see what was refused.
 *
 * @example
 * const hub = new MemoryHub()
 * const a = hub.createTransport()
 * const b = hub.createTransport()
 */

export interface RecordedVerdict {
  topic: string
  from: string
  to: string
  result: ValidationResult
}

export class MemoryHub {
  readonly verdicts: RecordedVerdict[] = []
  private readonly transports = new Map<string, MemoryTransport>()
  private nextId = 1

  createTransport(
    peerId = `12D3KooWMemoryPeer${String(this.nextId++).padStart(6, '0')}`,
  ): MemoryTransport {
    if (this.transports.has(peerId)) throw new Error(`peer ${peerId} exists already`)
    const transport = new MemoryTransport(this, peerId)
    this.transports.set(peerId, transport)
    return transport
  }

  /**
   * Takes a peer off the network. `silent` is a crash seen from far away (through a relay
   * nobody learns that the peer went); otherwise its subscribers see it leave its topics.
   */
  disconnect(peerId: string, { silent = false } = {}): void {
    const transport = this.transports.get(peerId)
    if (transport === undefined) return
    this.transports.delete(peerId)
    for (const topic of transport.topics()) {
      if (!silent) this.announce({ topic, peerId, subscribed: false })
    }
    transport.detach()
  }

  /** Publishes raw bytes as a peer outside the hub would; resolves to each receiver's verdict. */
  async inject(
    topic: string,
    data: Uint8Array,
    from = 'QmOutsidePeer00000000000000000000',
  ): Promise<ValidationResult[]> {
    return Promise.all(this.receiversOf(topic, from).map((to) => to.receive({ topic, data, from })))
  }

  transport(peerId: string): MemoryTransport | undefined {
    return this.transports.get(peerId)
  }

  /** @internal */
  receiversOf(topic: string, except: string): MemoryTransport[] {
    return [...this.transports.values()].filter((t) => t.peerId !== except && t.isSubscribed(topic))
  }

  /** @internal */
  announce(change: SubscriptionChange): void {
    for (const transport of this.transports.values()) {
      if (transport.peerId !== change.peerId) transport.notify(change)
    }
  }

  /** @internal */
  record(verdict: RecordedVerdict): void {
    this.verdicts.push(verdict)
  }
}

export class MemoryTransport implements PubSubTransport {
  private readonly handlers = new Map<string, TopicHandler>()
  private readonly protocols = new Map<string, RequestHandler>()
  private readonly listeners = new Set<(change: SubscriptionChange) => void>()
  /** Receipts are validated one at a time, in order, per receiver. */
  private inbox: Promise<unknown> = Promise.resolve()
  private attached = true

  constructor(
    private readonly hub: MemoryHub,
    readonly peerId: string,
  ) {}

  subscribe(topic: string, handler: TopicHandler): void {
    this.assertAttached()
    const isNew = !this.handlers.has(topic)
    this.handlers.set(topic, handler)
    if (isNew) this.hub.announce({ topic, peerId: this.peerId, subscribed: true })
  }

  unsubscribe(topic: string): void {
    if (this.handlers.delete(topic) && this.attached) {
      this.hub.announce({ topic, peerId: this.peerId, subscribed: false })
    }
  }

  /** Every subscriber is reached at once: nothing is ever queued. */
  async publish(topic: string, data: Uint8Array): Promise<'sent'> {
    this.assertAttached()
    for (const receiver of this.hub.receiversOf(topic, this.peerId)) {
      void receiver.receive({ topic, data: data.slice(), from: this.peerId })
    }
    return 'sent'
  }

  subscribers(topic: string): string[] {
    return this.hub.receiversOf(topic, this.peerId).map((t) => t.peerId)
  }

  onSubscriptionChange(listener: (change: SubscriptionChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  handle(protocol: string, handler: RequestHandler): void {
    this.protocols.set(protocol, handler)
  }

  unhandle(protocol: string): void {
    this.protocols.delete(protocol)
  }

  async request(
    peerId: string,
    protocol: string,
    data: Uint8Array,
    options: RequestOptions = {},
  ): Promise<Uint8Array> {
    this.assertAttached()
    options.signal?.throwIfAborted()
    const handler = this.hub.transport(peerId)?.protocols.get(protocol)
    if (handler === undefined)
      throw new PeerUnreachableError(`peer ${peerId} does not answer ${protocol}`)
    const answer = handler(data.slice(), this.peerId).then((bytes) => bytes.slice())
    if (options.signal === undefined) return answer
    const signal = options.signal
    return Promise.race([
      answer,
      new Promise<never>((_, reject) => {
        signal.addEventListener(
          'abort',
          () => reject(new PeerUnreachableError(`peer ${peerId} did not answer in time`)),
          {
            once: true,
          },
        )
      }),
    ])
  }

  /** @internal */
  topics(): string[] {
    return [...this.handlers.keys()]
  }

  /** @internal */
  isSubscribed(topic: string): boolean {
    return this.attached && this.handlers.has(topic)
  }

  /** @internal */
  receive(message: IncomingMessage): Promise<ValidationResult> {
    const result = this.inbox.then(async () => {
      const handler = this.handlers.get(message.topic)
      if (handler === undefined || !this.attached) return 'ignore' as const
      const verdict = await handler(message)
      this.hub.record({
        topic: message.topic,
        from: message.from,
        to: this.peerId,
        result: verdict,
      })
      return verdict
    })
    this.inbox = result.catch(() => undefined)
    return result
  }

  /** @internal */
  notify(change: SubscriptionChange): void {
    if (!this.attached) return
    for (const listener of this.listeners) listener(change)
  }

  /** @internal */
  detach(): void {
    this.attached = false
    this.handlers.clear()
    this.protocols.clear()
  }

  private assertAttached(): void {
    if (!this.attached)
      throw new PeerUnreachableError('this transport was disconnected from the hub')
  }
}
