/**
 * A space's node lives as long as its rooms: it stops a while after the last one closed
 * (its relay connections go with it), a room opened meanwhile keeps it, and the same
 * space object starts a fresh node for its next room. Through the real relay process.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import { createSeedIdentity, generateSeed } from '../../src/core/index.js'
import { SpaceNetwork } from '../../src/net/space-network.js'
import { NET_TIMINGS } from '../helpers/net-peer.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'

const IDLE_STOP_MS = 300

describe("a space's node", () => {
  const net = useRelay()
  const networks: SpaceNetwork[] = []
  afterAll(async () => {
    await Promise.all(networks.map((network) => network.stop()))
  })

  function network(): SpaceNetwork {
    const started = new SpaceNetwork({
      relays: [net.relay.address],
      webrtc: false,
      identity: createSeedIdentity(generateSeed()),
      timings: NET_TIMINGS,
      idleStopMs: IDLE_STOP_MS,
    })
    networks.push(started)
    return started
  }

  it('stops after its last room closed, and the space starts a new one for its next room', async () => {
    const spaces = network()
    const market = await spaces.openSpace('market')
    expect(spaces.nodes().size).toBe(0) // a space without rooms costs nothing
    const first = await market.joinThread('lobby', { ghost: true })
    const firstNode = spaces.nodes().get('market')
    const firstPeer = firstNode?.libp2p.peerId.toString()
    await waitFor(async () => (await net.relay.metric('ghost_relay_peers')) === 1, {
      what: 'the space node to connect to the relay',
    })

    await first.close()
    expect(spaces.nodes().size).toBe(1) // not at once: a reloading tab comes back
    await waitFor(() => spaces.nodes().size === 0, { timeoutMs: 5_000, what: 'the node to stop' })
    expect(firstNode?.libp2p.status).not.toBe('started')
    await waitFor(async () => (await net.relay.metric('ghost_relay_peers')) === 0, {
      what: 'the relay to lose the connection',
    })

    // The same space object opens its next room on a fresh node, and it chats.
    const again = await market.joinThread('lobby', { ghost: true })
    const nextPeer = spaces.nodes().get('market')?.libp2p.peerId.toString()
    expect(nextPeer).toBeDefined()
    expect(nextPeer).not.toBe(firstPeer)
    const other = await net.join('lobby', { space: 'market' })
    await waitFor(() => other.events.joined.includes(again.did), {
      timeoutMs: 10_000,
      what: 'a member to see the returning space',
    })
    await again.post('back again')
    await waitFor(() => other.events.texts().includes('back again'), {
      timeoutMs: 10_000,
      what: 'the post from the fresh node',
    })
  }, 40_000)

  it('keeps running while one of its rooms is open, or a room opens before the wait ends', async () => {
    const spaces = network()
    const games = await spaces.openSpace('games')
    const lobby = await games.joinThread('lobby', { ghost: true })
    const chess = await games.joinThread('chess', { ghost: true })
    const node = spaces.nodes().get('games')
    await chess.close()
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_STOP_MS))
    expect(spaces.nodes().get('games')).toBe(node)
    expect(lobby.isOpen).toBe(true)

    // The last room closes and another opens within the wait: the node stays.
    await lobby.close()
    const poker = await games.joinThread('poker', { ghost: true })
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_STOP_MS))
    expect(spaces.nodes().get('games')).toBe(node)
    expect(node?.libp2p.status).toBe('started')
    expect(poker.isOpen).toBe(true)
  }, 30_000)

  it("carries a site's rooms through the relays it named, and no other site's rooms of the space", async () => {
    const spaces = new SpaceNetwork({
      relays: [],
      webrtc: false,
      identity: createSeedIdentity(generateSeed()),
      timings: NET_TIMINGS,
      idleStopMs: IDLE_STOP_MS,
      allowPrivateAddresses: true,
      localSiteRelays: true,
    })
    networks.push(spaces)
    const site = await spaces.openSpaceWith('named', [net.relay.address])
    const named = await site.joinThread('lobby', { ghost: true })
    const other = await net.join('lobby', { space: 'named' })
    await waitFor(() => other.events.joined.includes(named.did), {
      timeoutMs: 10_000,
      what: "a member on the site's relay to see us join",
    })
    await named.post('through the named relay')
    await waitFor(() => other.events.texts().includes('through the named relay'), {
      timeoutMs: 10_000,
      what: 'the post through the named relay',
    })
    expect(spaces.relayList()).toEqual([{ address: net.relay.address, connected: true }])
    // The same space for another site (no relays of its own): another node, and that node
    // holds no connection to the first site's relay, so the relay never hears its rooms.
    const plain = await (await spaces.openSpace('named')).joinThread('elsewhere', { ghost: true })
    const plainNode = spaces.nodes().get('named')
    const siteNode = [...spaces.nodes().values()].find((node) => node !== plainNode)
    expect(plainNode?.ghost.openThreads()).toEqual([plain])
    expect(siteNode?.ghost.openThreads()).toEqual([named])
    const relayId = net.relay.peerId
    expect(plainNode?.libp2p.getConnections().map((c) => c.remotePeer.toString())).not.toContain(
      relayId,
    )
    // The site's last room closes (its grant went, or its last tab): its relays go at once.
    await named.close()
    await waitFor(() => spaces.nodes().size === 1 && spaces.relayList().length === 0, {
      timeoutMs: 10_000,
      what: "the site's node and relay to go with its last room",
    })
    expect(siteNode?.libp2p.status).toBe('stopped')
    expect(spaces.nodes().get('named')).toBe(plainNode)
  }, 40_000)

  it("refuses a site's relay on this computer unless local site relays are allowed; the user's own stay reachable", async () => {
    const spaces = new SpaceNetwork({
      relays: [net.relay.address],
      webrtc: false,
      identity: createSeedIdentity(generateSeed()),
      timings: NET_TIMINGS,
      idleStopMs: IDLE_STOP_MS,
      allowPrivateAddresses: true,
    })
    networks.push(spaces)
    const siteRelay = await RelayProcess.start()
    try {
      const site = await spaces.openSpaceWith('local', [siteRelay.address])
      const thread = await site.joinThread('lobby', { ghost: true })
      const node = [...spaces.nodes().values()][0]
      if (node === undefined) throw new Error('the site node should run')
      // The user's own loopback relay is dialled from the site's node...
      await waitFor(() => node.relays.connected().length === 1, {
        timeoutMs: 10_000,
        what: "the site's node to reach the user's own relay",
      })
      expect(node.relays.connected()[0]?.toString()).toContain(net.relay.peerId)
      // ...the site's loopback relay is not: the gater refuses it by its dialled address.
      await expect(node.libp2p.dial(multiaddr(siteRelay.address))).rejects.toThrow(/gater/i)
      expect(node.libp2p.getConnections().map((c) => c.remotePeer.toString())).not.toContain(
        siteRelay.peerId,
      )
      // The user allows local site relays: the same node reaches it now.
      await spaces.setRelays([net.relay.address], true)
      await waitFor(() => node.relays.connected().length === 2, {
        timeoutMs: 15_000,
        what: "the site's local relay once allowed",
      })
      await thread.close()
    } finally {
      await siteRelay.stop()
    }
  }, 40_000)
})
