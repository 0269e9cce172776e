/**
 * A private room's transport (issue 25): the thread engine runs on it unchanged, and what
 * it sends to the room's topic leaves as envelopes relays can check and not read
 * (private-room.ts). It wraps the node's transport for one private topic:
 * - publish seals; a message received is opened before the thread's rules see it;
 * - a backlog request to a relay becomes a request the room key signs, and the envelopes
 *   the relay kept come back opened, as the answer the thread asked for;
 * - everything else (other topics, direct messages, backlog from members) passes through:
 *   streams between two peers are end-to-end encrypted by libp2p's Noise, also when a
 *   relay carries them, so only the relay-facing parts need sealing.
 */
import { base64url } from 'multiformats/bases/base64'
import {
  BACKLOG_PROTOCOL,
  MAX_BACKLOG_LIMIT,
  MAX_BACKLOG_RESPONSE_BYTES,
  PRIVATE_BACKLOG_PROTOCOL,
} from './constants.js'
import { peekPayload } from './jwt.js'
import {
  decrypt,
  isRoomEnvelope,
  type PrivateRoomKeys,
  seal,
  signRoomRequest,
} from './private-room.js'
import { isBacklogEntryType } from './receipt-rules.js'
import { PrivateBacklogResponse } from './schema.js'
import type {
  DeliveryListener,
  IncomingMessage,
  Published,
  PubSubTransport,
  RequestHandler,
  RequestOptions,
  SubscriptionChange,
  TopicHandler,
  ValidationResult,
} from './transport.js'
import { decodeUtf8, encodeUtf8 } from './utf8.js'

export class SealedTransport implements PubSubTransport {
  readonly peerId: string

  constructor(
    private readonly inner: PubSubTransport,
    private readonly keys: PrivateRoomKeys,
    private readonly now: () => number = Date.now,
  ) {
    this.peerId = inner.peerId
  }

  subscribe(topic: string, handler: TopicHandler): void {
    const opening: TopicHandler = (message) => this.opened(message, handler)
    this.inner.subscribe(topic, topic === this.keys.topic ? opening : handler)
  }

  unsubscribe(topic: string): void {
    this.inner.unsubscribe(topic)
  }

  publish(topic: string, data: Uint8Array, id?: string): Promise<Published> {
    if (topic !== this.keys.topic) return this.inner.publish(topic, data, id)
    return seal(this.keys, data).then((envelope) => this.inner.publish(topic, envelope, id))
  }

  onDelivery(listener: DeliveryListener): () => void {
    return this.inner.onDelivery?.(listener) ?? (() => undefined)
  }

  subscribers(topic: string): string[] {
    return this.inner.subscribers(topic)
  }

  routes(): string[] {
    return this.inner.routes?.() ?? []
  }

  roomServers(topic: string): string[] {
    return this.inner.roomServers?.(topic) ?? []
  }

  receiving(topic: string): Promise<void> {
    return this.inner.receiving?.(topic) ?? Promise.resolve()
  }

  onSubscriptionChange(listener: (change: SubscriptionChange) => void): () => void {
    return this.inner.onSubscriptionChange(listener)
  }

  handle(protocol: string, handler: RequestHandler): void {
    this.inner.handle(protocol, handler)
  }

  unhandle(protocol: string): void {
    this.inner.unhandle(protocol)
  }

  request(
    peerId: string,
    protocol: string,
    data: Uint8Array,
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    const relay =
      this.routes().includes(peerId) || this.roomServers(this.keys.topic).includes(peerId)
    if (protocol !== BACKLOG_PROTOCOL || !relay)
      return this.inner.request(peerId, protocol, data, options)
    return this.askRelay(peerId, data, options)
  }

  /**
   * An envelope off the topic, opened for the thread. One the room key did not sign is
   * refused (a relay checked that, and so does every member before forwarding); one a
   * relay passed whose content is unreadable or refused cannot be the relay's fault: it
   * could not read it, so it costs the relay no score (the "hardening 2" rule).
   */
  private async opened(message: IncomingMessage, handler: TopicHandler): Promise<ValidationResult> {
    const fromRelay = message.fromRelay === true
    if (!fromRelay && !(await isRoomEnvelope(this.keys.topic, message.data))) return 'reject'
    const inside = decrypt(this.keys, message.data)
    if (inside === undefined) return fromRelay ? 'ignore' : 'reject'
    const verdict = await handler({ ...message, data: inside })
    return verdict === 'reject' && fromRelay ? 'ignore' : verdict
  }

  /**
   * Our `request_backlog` (the thread signed it for members) asked of a relay: the relay
   * gets only the room key's signature over our peer id and the time, and its envelopes
   * come back opened, as the answer to our request.
   */
  private async askRelay(
    relay: string,
    data: Uint8Array,
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    const jwt = decodeUtf8(data)
    const claims = jwt === undefined ? undefined : peekPayload(jwt)
    if (claims?.room !== this.keys.topic)
      return this.inner.request(relay, BACKLOG_PROTOCOL, data, options)
    const sinceS = typeof claims.since === 'number' ? claims.since : undefined
    const request = signRoomRequest(this.keys, this.peerId, Math.floor(this.now() / 1000), sinceS)
    const answer = await this.inner.request(
      relay,
      PRIVATE_BACKLOG_PROTOCOL,
      encodeUtf8(JSON.stringify(request)),
      options,
    )
    const parsed = parseAnswer(answer)
    // Not answered (as a public relay says with an empty `request`): members are asked.
    if (parsed === undefined || 'refused' in parsed)
      return encodeUtf8(JSON.stringify({ request: '', entries: [] }))
    return encodeUtf8(
      JSON.stringify({
        request: claims.jti,
        entries: this.openedEntries(parsed.entries),
        ...(parsed.complete === true ? { complete: true } : {}),
      }),
    )
  }

  /**
   * The JWTs inside a relay's envelopes that a backlog may hold, in the order it heard
   * them, as a public relay's roster would hand them: a relay cannot tell a post from a
   * typing signal or a join from a leave, so it keeps them all. Left out here, before any
   * signature is checked: typing, seen and leaves; a member's claims but its newest, and
   * that one too when its leave came after; posts but the newest MAX_BACKLOG_LIMIT.
   */
  private openedEntries(envelopes: string[]): string[] {
    const opened = envelopes.flatMap((envelope) => {
      const inside = decodeEnvelope(envelope, this.keys)
      const jwt = inside === undefined ? undefined : decodeUtf8(inside)
      const claims = jwt === undefined ? undefined : peekPayload(jwt)
      if (jwt === undefined || claims === undefined) return []
      return [{ jwt, type: claims.type, member: `${String(claims.iss)} ${String(claims.peer)}` }]
    })
    const lastOf = new Map<string, number>()
    opened.forEach((entry, at) => {
      const isClaim = entry.type === 'join' || entry.type === 'presence'
      if (isClaim || entry.type === 'leave') lastOf.set(entry.member, at)
    })
    let posts = opened.filter((entry) => entry.type === 'chat').length
    return opened.flatMap((entry, at) => {
      if (entry.type === 'chat' && posts-- > MAX_BACKLOG_LIMIT) return []
      const isClaim = entry.type === 'join' || entry.type === 'presence'
      if (isClaim && lastOf.get(entry.member) !== at) return []
      return isBacklogEntryType(entry.type) ? [entry.jwt] : []
    })
  }
}

function parseAnswer(answer: Uint8Array): PrivateBacklogResponse | undefined {
  if (answer.length > MAX_BACKLOG_RESPONSE_BYTES) return undefined
  const text = decodeUtf8(answer)
  if (text === undefined) return undefined
  try {
    const parsed = PrivateBacklogResponse.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

function decodeEnvelope(text: string, keys: PrivateRoomKeys): Uint8Array | undefined {
  try {
    return decrypt(keys, base64url.baseDecode(text))
  } catch {
    return undefined
  }
}
