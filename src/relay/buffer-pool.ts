import { RELAY_BUFFER_POOL_BYTES } from './constants.js'

/**
 * Node 24 cuts small Buffers (`Buffer.allocUnsafe` under half the pool) from 64 KiB slabs
 * (`Buffer.poolSize`), and a slice keeps its whole slab alive. A relay's connections each
 * keep a few small slices for as long as they last: libp2p builds the remote peer id's
 * digest and the remote address's bytes with `allocUnsafe`. Measured at 300 members: 245
 * slabs (15 MiB, 52 KiB a member) held by nothing but those slices. With 8 KiB slabs a
 * connection pins at most a few KiB. Set once, before the relay starts: the slab in use
 * is spent first, then every new one is small.
 */
export function keepBufferSlabsSmall(): void {
  Buffer.poolSize = RELAY_BUFFER_POOL_BYTES
}
