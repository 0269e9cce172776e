/**
 * What a relay's connections keep alive (issue 26): libp2p builds each connection's remote
 * peer id and address from small `Buffer.allocUnsafe` slices, and a slice keeps its whole
 * pool slab (64 KiB by Node 24's default) alive as long as the connection lasts. The relay
 * cuts them from small slabs (relay/buffer-pool.ts). Through a relay node and raw libp2p
 * clients over loopback.
 */

import { afterAll, describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createRelayNode, type RelayNode } from '../../src/net/create-relay-node.js'
import { PeerPenalties } from '../../src/net/peer-penalties.js'
import { keepBufferSlabsSmall } from '../../src/relay/buffer-pool.js'
import { RELAY_BUFFER_POOL_BYTES } from '../../src/relay/constants.js'
import { type RawNode, rawGossipNode } from '../helpers/raw-node.js'
import { waitFor } from '../helpers/wait.js'

const poolBefore = Buffer.poolSize
const running: { stop(): void | Promise<void> }[] = []
afterAll(async () => {
  await Promise.all(running.map((node) => node.stop()))
  Buffer.poolSize = poolBefore
})

/** The bytes that keep a connection's remote peer id and address: their whole backing stores. */
function pinnedBy(relay: RelayNode): number[] {
  return relay.getConnections().flatMap((connection) => {
    const digest = connection.remotePeer.toMultihash().digest
    const address = connection.remoteAddr.bytes
    return [digest.buffer.byteLength, address.buffer.byteLength]
  })
}

describe("a relay's connections", () => {
  it('pin no more than a small slab each for their peer id and address', async () => {
    keepBufferSlabsSmall()
    // The slab in use when the pool size changed is spent first.
    for (let spent = 0; spent < poolBefore; spent += 64) Buffer.allocUnsafe(64)
    const relay = await createRelayNode({
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      privateKey: await generateKeyPair('Ed25519'),
      penalties: new PeerPenalties(),
    })
    running.push(relay)
    const clients: RawNode[] = []
    for (let i = 0; i < 5; i++) {
      const client = await rawGossipNode()
      running.unshift(client)
      clients.push(client)
      await client.dial(relay.getMultiaddrs()[0] as Parameters<RawNode['dial']>[0])
    }
    await waitFor(() => relay.getConnections().length === 5, {
      what: "the relay's five connections",
    })
    const pinned = pinnedBy(relay)
    expect(pinned).toHaveLength(10)
    for (const bytes of pinned) expect(bytes).toBeLessThanOrEqual(RELAY_BUFFER_POOL_BYTES)
  })
})
