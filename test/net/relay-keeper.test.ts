/**
 * RelayKeeper against a stand-in libp2p node (dial, connections, events; no sockets): a
 * relay connection that vanishes without a disconnect event is still redialled. The
 * keeper's behaviour with real relays (restart, spares) is tested in room-resilience.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RelayKeeper } from '../../src/net/relay-keeper.js'
import { waitFor } from '../helpers/wait.js'

/** A node whose connections come and go only as the test says; dials always succeed. */
class StandInNode extends EventTarget {
  readonly dialled: string[] = []
  connections: { remotePeer: { toString(): string } }[] = []

  async dial(address: { toString(): string }) {
    this.dialled.push(address.toString())
    const peer = address.toString().split('/p2p/')[1] ?? ''
    const connection = { remotePeer: { toString: () => peer } }
    this.connections.push(connection)
    this.dispatchEvent(new CustomEvent('peer:connect', { detail: connection.remotePeer }))
    return connection
  }

  getConnections() {
    return this.connections
  }

  async hangUp() {}
}

const keepers: RelayKeeper[] = []
afterEach(() => {
  for (const keeper of keepers.splice(0)) keeper.stop()
})

async function relayAddress(port: number): Promise<string> {
  const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  return `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${id.toString()}`
}

describe('RelayKeeper', () => {
  it('redials a relay whose connection vanished without a disconnect event', async () => {
    const node = new StandInNode()
    const address = await relayAddress(4001)
    const reconnected: string[] = []
    const keeper = new RelayKeeper(node as unknown as Libp2p, {
      relays: [address],
      minDelayMs: 10,
      maxDelayMs: 50,
      onReconnect: (relay) => reconnected.push(relay.toString()),
    })
    keepers.push(keeper)
    keeper.start()
    await waitFor(() => node.dialled.length === 1, { what: 'the first dial' })
    expect(reconnected).toEqual([])
    expect(keeper.connected().map(String)).toEqual([address])

    node.connections = [] // gone, and libp2p said nothing
    await waitFor(() => node.dialled.length === 2, {
      timeoutMs: 2_000,
      what: 'the keeper to notice and redial',
    })
    expect(keeper.connected().map(String)).toEqual([address])
    // Its rooms are told, so they announce themselves again and catch up.
    expect(reconnected).toEqual([address])
  })

  it('dials nothing more while its relays stay connected', async () => {
    const node = new StandInNode()
    const addresses = [await relayAddress(4001), await relayAddress(4002)]
    const keeper = new RelayKeeper(node as unknown as Libp2p, {
      relays: addresses,
      minDelayMs: 10,
      maxDelayMs: 50,
    })
    keepers.push(keeper)
    keeper.start()
    await waitFor(() => node.dialled.length === 2, { what: 'both relays dialled' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(node.dialled.sort()).toEqual([...addresses].sort())
  })
})
