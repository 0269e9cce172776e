/**
 * A user in two spaces shows no shared identifier between them on the wire. The same
 * seed (one person) opens two spaces through the host's SpaceNetwork; a raw gossipsub
 * node in both rooms records every payload. The DIDs differ (per-space keys), and so do
 * the peers that host them: each space runs on its own libp2p node with its own peer id.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import { createSeedIdentity, generateSeed, topicFor } from '../../src/core/index.js'
import { SpaceNetwork } from '../../src/net/space-network.js'
import { type RawNode, rawGossipNode } from '../helpers/raw-node.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { waitFor } from '../helpers/wait.js'

const text = new TextDecoder()

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >
}

describe('one person in two spaces', () => {
  const net = useRelay()
  let network: SpaceNetwork | undefined
  let raw: RawNode | undefined
  afterAll(async () => {
    await network?.stop()
    await raw?.stop()
  })

  it('shares no identifier between them on the wire', async () => {
    const [market, games] = [topicFor('market', 'lobby'), topicFor('games', 'lobby')]
    raw = await rawGossipNode()
    await raw.dial(multiaddr(net.relay.address))
    const heard = new Map<string, string[]>([
      [market, []],
      [games, []],
    ])
    raw.services.pubsub.addEventListener('message', ({ detail }) => {
      heard.get(detail.topic)?.push(text.decode(detail.data))
    })
    raw.services.pubsub.subscribe(market)
    raw.services.pubsub.subscribe(games)

    network = new SpaceNetwork({
      relays: [net.relay.address],
      webrtc: false,
      identity: createSeedIdentity(generateSeed()),
    })
    const spaces = [await network.openSpace('market'), await network.openSpace('games')]
    const threads = await Promise.all(
      spaces.map((space) => space.joinThread('lobby', { ghost: true })),
    )
    await threads[0]?.post('selling a sword')
    await threads[1]?.post('anyone for chess?')
    await waitFor(
      () => (heard.get(market)?.length ?? 0) >= 2 && (heard.get(games)?.length ?? 0) >= 2,
      {
        timeoutMs: 10_000,
        what: 'a join and a post from each space',
      },
    )

    const ids = (topic: string) => {
      const seen = new Set<string>()
      for (const jwt of heard.get(topic) ?? []) {
        const claims = claimsOf(jwt)
        for (const key of ['iss', 'peer'])
          if (typeof claims[key] === 'string') seen.add(claims[key])
      }
      return seen
    }
    const [inMarket, inGames] = [ids(market), ids(games)]
    expect(inMarket.size).toBe(2) // a DID and a peer id
    expect(inGames.size).toBe(2)
    for (const id of inMarket) expect(inGames.has(id)).toBe(false)
    // Nothing of one space's identity appears anywhere in the other's bytes either.
    const gamesBytes = (heard.get(games) ?? [])
      .map((jwt) => `${jwt} ${JSON.stringify(claimsOf(jwt))}`)
      .join('\n')
    for (const id of inMarket) expect(gamesBytes).not.toContain(id)
    // Two nodes, two peer ids, both connected to the relay.
    const nodes = [...network.nodes().values()]
    expect(nodes).toHaveLength(2)
    expect(new Set(nodes.map((node) => node.libp2p.peerId.toString())).size).toBe(2)
  }, 30_000)
})
