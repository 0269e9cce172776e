/**
 * @packageDocumentation
 *
 * The environment-free core of Ghost Threads: the 3IP-9 protocol and thread engine. It
 * knows nothing of browsers, extensions or libp2p; it reaches the network through a
 * `PubSubTransport` and runs the same in the extension host, in Node and in tests.
 *
 * @example
 * import { GhostThreads, MemoryHub, createSeedIdentity, generateSeed } from './core/index.js'
 *
 * const hub = new MemoryHub()
 * const ghost = new GhostThreads({ transport: hub.createTransport(), identity: createSeedIdentity(generateSeed()) })
 * const space = await ghost.openSpace('my-dapp')
 * const thread = await space.joinThread('trollbox', { ghost: true })
 * thread.on('message', ({ author, message }) => console.log(`${author}: ${message}`))
 * await thread.post('hello world')
 */

export * from './constants.js'
export { encodeDidKey, parseDidKey, type SigningAlg, UnsupportedDidError } from './did-key.js'
export * from './errors.js'
export { type BacklogEvent, GhostThread, type GhostThreadEvents } from './ghost-thread.js'
export {
  GhostSpace,
  GhostThreads,
  type GhostThreadsInit,
  type JoinThreadOptions,
} from './ghost-threads.js'
export {
  createSeedIdentity,
  deriveSpaceSecretKey,
  ed25519Signer,
  generateSeed,
  type Identity,
  type SpaceSigner,
} from './identity.js'
export { decodeCompactJwt, signClaims, type UnsignedClaims } from './jwt.js'
export { MemoryHub, MemoryTransport, type RecordedVerdict } from './memory-transport.js'
export { type Post, postIdOf } from './post.js'
export { type PostFilter, PostFilters } from './post-filters.js'
export { type RateLimit, RateLimiter } from './rate-limit.js'
export {
  type Channel,
  type Expectation,
  ReceiptRules,
  type ReceiptRulesInit,
  type RejectReason,
  type Verdict,
  type VerifiedMessage,
} from './receipt-rules.js'
export { assertValidName, isTopic, parseTopic, topicFor } from './room-name.js'
export { type Claims, type JsonValue, MESSAGE_TYPES, type MessageType } from './schema.js'
export { DEFAULT_TIMINGS, type ThreadTimings } from './thread-timings.js'
export type * from './transport.js'
export {
  composeLinkMessage,
  type LinkedAccount,
  type LinkRequest,
  type LinkScope,
  LinkVerifier,
  linkHoldsFor,
  linkResources,
  newLinkMessage,
  siteOf,
  type WalletLink,
} from './wallet-link.js'
