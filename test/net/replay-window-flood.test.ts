/**
 * Issue 22, item 6: filling a member's replay window. Valid posts from fresh DIDs, within
 * every rate limit, fill the window a member keeps against replays; before, a full window
 * refused every new message of every room on the node until the flood's pairs aged out
 * (130 s), so ~770 posts a second silenced a member everywhere. A window is now per room,
 * and a room under its fair share still takes messages: the flood silences its own room.
 * The member's window is made small here (the capacity is a setting) so that a flood of a
 * few seconds fills it, through the real relay process and a raw attacker node.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type NetPeer, startNetPeer, stopAll } from '../helpers/net-peer.js'
import { type RawNode, rawNodeInRoom } from '../helpers/raw-node.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { freshDidPosts, publishPaced } from '../helpers/valid-flood.js'
import { waitFor } from '../helpers/wait.js'

const CAPACITY = 400

describe("a flood that fills a member's replay window", () => {
  let relay: RelayProcess | undefined
  const peers: NetPeer[] = []
  const raws: RawNode[] = []

  beforeAll(async () => {
    relay = await RelayProcess.start()
  })

  afterAll(async () => {
    await Promise.all(raws.map((raw) => raw.stop()))
    await stopAll(peers)
    expect(await relay?.stop()).toBe(0)
  })

  it('silences the flooded room only: the member still hears the other rooms on its node', async () => {
    const address = (relay as RelayProcess).address
    const victim = await startNetPeer({
      relays: [address],
      room: 'flooded',
      rules: { seenCapacity: CAPACITY },
    })
    const friend = await startNetPeer({ relays: [address], room: 'quiet' })
    peers.push(victim, friend)
    // The victim is in a second room of the same space, on the same node and rules.
    const quiet = await (await victim.node.ghost.openSpace('netspace')).joinThread('quiet', {
      ghost: true,
    })
    const quietTexts: unknown[] = []
    quiet.on('message', (post) => quietTexts.push(post.message))
    await waitFor(async () => (await quiet.listMembers()).includes(friend.did), {
      timeoutMs: 15_000,
      what: 'the victim and its friend to meet in the quiet room',
    })

    // More valid posts than the window holds, from fresh DIDs, 150 a second.
    const topic = victim.thread.topic
    const raw = await rawNodeInRoom(address, topic)
    raws.push(raw)
    await publishPaced(raw, topic, freshDidPosts(topic, CAPACITY + 200), 150)
    await waitFor(() => victim.refusals.some((r) => r.endsWith('replay-window-full')), {
      timeoutMs: 15_000,
      what: "the victim's window for the flooded room to fill",
    })

    // The quiet room still gets through, every post of it.
    for (let n = 1; n <= 5; n++) await friend.thread.post(`quiet ${n}`)
    await waitFor(() => [1, 2, 3, 4, 5].every((n) => quietTexts.includes(`quiet ${n}`)), {
      timeoutMs: 10_000,
      what: 'the quiet room’s posts at the victim while the flooded room’s window is full',
    })
    // Refused as back-pressure, never scored: the relay that forwarded the flood keeps its standing.
    expect(victim.rejected).toEqual([])
    expect(
      await (relay as RelayProcess).metric('ghost_relay_penalized_peers{standing="graylisted"}'),
    ).toBe(0)
  }, 60_000)
})
