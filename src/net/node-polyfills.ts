/**
 * Node 20 lacks two things libp2p 3 expects of its platform (FIELD-NOTES): the
 * `Promise.withResolvers` that libp2p, yamux, noise and gossipsub call, and the global
 * `WebSocket` that @libp2p/websockets 10 dials with. Browsers and Node 22 have both.
 * Import this module first in every Node entry point; it only fills what is missing.
 */
import { WebSocket as NodeWebSocket } from 'ws'

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const promiseStatics = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }
promiseStatics.withResolvers ??= <T>(): Resolvers<T> => {
  let resolve!: Resolvers<T>['resolve']
  let reject!: Resolvers<T>['reject']
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * `ws` is an EventEmitter: an `error` emitted when nobody listens any more (a dial the
 * caller gave up on, a socket refused while libp2p had already let go of it) throws and
 * takes the whole process down. Browsers' WebSocket never does that; this one keeps a
 * listener of its own, and libp2p still hears every error through its own listeners.
 */
class BrowserLikeWebSocket extends NodeWebSocket {
  constructor(...args: ConstructorParameters<typeof NodeWebSocket>) {
    super(...args)
    this.on('error', () => undefined)
  }
}

const globals = globalThis as unknown as { WebSocket?: unknown }
globals.WebSocket ??= BrowserLikeWebSocket
