/**
 * A relay that stops (issue 22): members configured with one relay each (a fresh install
 * knows one, a dapp may name one), spread over three meshed relay processes, and one
 * relay stopped mid-chat. Before, its members kept redialling it and the room went on
 * without them: after the stop 91% of deliveries arrived and no later post reached all.
 * A member whose relays are all gone now holds the relays its relay told it about
 * (`/ghost-threads/relays`), announces itself there and catches up what it missed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { explainingFailure, type NetPeer, startNetPeer, stopAll } from '../helpers/net-peer.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'

const PER_RELAY = 3

describe('a relay that stops', () => {
  let relays: RelayProcess[] = []
  const peers: NetPeer[] = []

  beforeAll(async () => {
    relays = await RelayProcess.startMeshed(3)
  })

  afterAll(async () => {
    await stopAll(peers)
    await Promise.all(relays.map((relay) => relay.stop()))
  })

  it('leaves no member of it out: they move to the relays it told them about, and miss nothing', async () => {
    for (const relay of relays)
      for (let i = 0; i < PER_RELAY; i++)
        peers.push(await startNetPeer({ relays: [relay.address], room: 'failover' }))
    const everyone = peers.map((peer) => peer.did)
    const allListed = () =>
      Promise.all(peers.map((peer) => peer.thread.listMembers())).then((lists) =>
        lists.every((list) => everyone.every((did) => list.includes(did))),
      )
    await explainingFailure(
      peers,
      waitFor(allListed, { timeoutMs: 30_000, what: 'every member to list all the others' }),
    )
    const [stopped] = relays
    if (stopped === undefined) throw new Error('three relays were started')
    const orphans = peers.slice(0, PER_RELAY)
    const others = peers.slice(PER_RELAY)
    // Every member knows the relays its own is meshed with before anything goes wrong.
    await waitFor(() => orphans.every((peer) => peer.node.relays.connected().length === 1), {
      timeoutMs: 10_000,
      what: 'the first relay’s members to hold it',
    })
    expect(await stopped.stop()).toBe(0)
    // Said while the orphans have no relay: they must catch it up once they are back.
    const missed = 'said while their relay was gone'
    await others[0]?.thread.post(missed)
    await explainingFailure(
      peers,
      waitFor(
        () =>
          orphans.every((peer) => {
            const held = peer.node.relays.connected().map((address) => address.toString())
            return held.length > 0 && !held.some((address) => address.includes(stopped.peerId))
          }),
        { timeoutMs: 20_000, what: 'the stopped relay’s members to hold a meshed relay' },
      ),
    )
    // Every member posts once after the move: each post reaches all nine, none is lost.
    const after = peers.map((_, i) => `after the stop #${i}`)
    await Promise.all(peers.map((peer, i) => peer.thread.post(after[i])))
    await explainingFailure(
      peers,
      waitFor(
        () =>
          peers.every((peer) => {
            // Live or in a backlog update: what the member was given.
            const given = peer.events.allTexts()
            return after.every((text) => given.includes(text)) && given.includes(missed)
          }),
        { timeoutMs: 20_000, what: 'every post after the stop at every member' },
      ),
    ).catch(async (err) => {
      for (const relay of relays.slice(1))
        process.stderr.write(
          `${(await relay.metrics())
            .split('\n')
            .filter((l) => l.startsWith('ghost_'))
            .join('\n')}\n`,
        )
      throw err
    })
    // The relays the orphans hold now are the ones the stopped relay told them about.
    for (const peer of orphans) {
      const held = peer.node.relays.connected().map((address) => address.toString())
      expect(held.some((a) => relays.slice(1).some((relay) => a.includes(relay.peerId)))).toBe(true)
    }
  }, 90_000)
})
