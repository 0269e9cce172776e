// ipfs-pubsub-room 3.x ships no types; the benchmark uses this much of it.
declare module 'ipfs-pubsub-room' {
  import type { EventEmitter } from 'node:events'
  export default class PubSubRoom extends EventEmitter {
    constructor(libp2p: unknown, topic: string, options?: { pollInterval?: number })
    leave(): Promise<void>
  }
}
