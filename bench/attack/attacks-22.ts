/**
 * The attacks and faults of issue 22, each against relay processes and honest peers on
 * 127.0.0.1. Some use the bench's honest room and relay; those that need a shape of their
 * own (two unmeshed relays, a member in two rooms, three meshed relays) build it and
 * report their own honest figures in the outcome. Before-figures are the issue's.
 */
import { Wallet } from 'ethers'
import { PEER_RATE_LIMIT } from '../../src/core/constants.js'
import { createSeedIdentity, DEFAULT_TIMINGS, generateSeed } from '../../src/core/index.js'
import { composeLinkMessage } from '../../src/core/wallet-link.js'
import { SpaceNetwork } from '../../src/net/space-network.js'
import { claims, edKey, forge } from '../../test/helpers/jwt-forge.js'
import { type NetPeer, startNetPeer, stopAll } from '../../test/helpers/net-peer.js'
import { type RawNode, rawNodeInRoom } from '../../test/helpers/raw-node.js'
import { RelayProcess } from '../../test/helpers/relay-process.js'
import { freshDidPosts, publishPaced } from '../../test/helpers/valid-flood.js'
import { sleep, waitFor } from '../../test/helpers/wait.js'
import { readProc } from '../scale/proc-stats.js'
import { type Outcome, relayCount } from './attacks.js'
import type { HonestRoom } from './honest-room.js'

const utf8 = new TextEncoder()
const MiB = 1024 * 1024

/** Raw attacker nodes in `topic` at `relay`, stopped with `run`'s end. */
async function withRaws<T>(
  address: string,
  topic: string,
  count: number,
  run: (raws: RawNode[]) => Promise<T>,
): Promise<T> {
  const raws = await Promise.all(Array.from({ length: count }, () => rawNodeInRoom(address, topic)))
  try {
    return await run(raws)
  } finally {
    await Promise.all(raws.map((raw) => raw.stop()))
  }
}

/**
 * Presences padded to just under the 16 KiB JWT cap (11 KiB of padding), fresh DIDs, and
 * one DID claiming a fresh `peer` in every tenth, 4 × 95/s: before, relay RSS went 189 →
 * 719 MiB in 56 s and stayed. Now the padded ones are refused as oversized member claims
 * (8 KiB) and the churning DID is listed on at most 8 peers: the roster does not grow.
 */
export async function rosterPadding(relay: RelayProcess, room: HonestRoom, seconds: number) {
  const rssBefore = readProc(relay.pid as number).rssBytes
  const heldBefore = await relay.metric('ghost_relay_held_roster_bytes')
  const oversizedBefore = await relayCount(relay, ['oversized'])
  const graylist = () => relay.metric('ghost_relay_penalized_peers{standing="graylisted"}')
  const graylistedBefore = await graylist()
  const perConnection = 95
  return withRaws(relay.address, room.topic, 4, async (raws) => {
    const churner = edKey()
    const batches = raws.map((_, r) =>
      Array.from({ length: perConnection * seconds }, (_, i) => {
        // One in ten: the same DID, a new peer each time; the rest: fresh, padded.
        if (i % 10 === 0) {
          const peer = `12D3KooW${String(r * 100_000 + i).padStart(44, 'x')}`
          return utf8.encode(forge(churner, claims(churner, 'presence', room.topic, { peer })))
        }
        const key = edKey()
        const padding = 'p'.repeat(11 * 1024)
        return utf8.encode(forge(key, claims(key, 'presence', room.topic, { padding })))
      }),
    )
    await Promise.all(
      raws.map((raw, r) => publishPaced(raw, room.topic, batches[r] ?? [], perConnection)),
    )
    await sleep(1_000)
    const rss = readProc(relay.pid as number).rssBytes
    const held = (await relay.metric('ghost_relay_held_roster_bytes')) - heldBefore
    const oversized = (await relayCount(relay, ['oversized'])) - oversizedBefore
    // Oversized is the sender's fault (`reject`): its connection is graylisted after ~90.
    const graylisted = (await graylist()) - graylistedBefore
    const sent = batches.flat().length
    const padded = sent - batches.reduce((sum, batch) => sum + Math.ceil(batch.length / 10), 0)
    return {
      now: `${sent.toLocaleString('en')} sent (${padded.toLocaleString('en')} padded), ${oversized.toLocaleString('en')} refused as oversized, then ${graylisted} of 4 senders graylisted (the rest dropped unread); roster +${Math.round(held / 1024)} KiB; relay RSS ${Math.round(rssBefore / MiB)} → ${Math.round(rss / MiB)} MiB`,
      ok: oversized > 0 && held < MiB && rss - rssBefore < 64 * MiB,
    }
  })
}

/**
 * Presences each with a fresh valid wallet link (a throw-away account), 2 × 95/s: before,
 * the relay spent 39% of a core checking them (8% without links), and every member the
 * same. Now a DID's and a peer's fresh links are budgeted; the rest are dropped unchecked.
 */
export async function freshLinks(
  relay: RelayProcess,
  room: HonestRoom,
  batches: Uint8Array[][],
): Promise<Outcome> {
  const perConnection = 95
  const limitedBefore = await relayCount(relay, ['rate-limited-link'])
  return withRaws(relay.address, room.topic, batches.length, async (raws) => {
    await Promise.all(
      raws.map((raw, r) => publishPaced(raw, room.topic, batches[r] ?? [], perConnection)),
    )
    await sleep(1_000)
    const limited = (await relayCount(relay, ['rate-limited-link'])) - limitedBefore
    const sent = batches.flat().length
    return {
      now: `${sent.toLocaleString('en')} fresh links sent; ${limited.toLocaleString('en')} dropped unchecked (rate-limited-link); see relay CPU`,
      ok: limited >= sent * 0.8,
    }
  })
}

/**
 * The presences of `freshLinks`, made before the clock: each link costs its maker ~1.7 ms,
 * and made during the run they held the honest members' event loop for seconds.
 */
export async function freshLinkPresences(
  topic: string,
  connections: number,
  perConnection: number,
): Promise<Uint8Array[][]> {
  const make = async () => {
    const key = edKey()
    const signer = Wallet.createRandom()
    const message = composeLinkMessage({
      domain: 'dapp.example',
      uri: 'https://dapp.example',
      address: signer.address,
      chainId: 1,
      did: key.did,
      space: 'netspace',
      nonce: `n${Math.random().toString(36).slice(2, 12)}`,
      issuedAt: new Date(Date.now() - 1_000),
      expirationTime: new Date(Date.now() + 3_600_000),
    })
    const link = { message, signature: await signer.signMessage(message) }
    return utf8.encode(forge(key, claims(key, 'presence', topic, { link })))
  }
  const batches: Uint8Array[][] = []
  for (let r = 0; r < connections; r++) {
    const batch: Uint8Array[] = []
    for (let i = 0; i < perConnection; i++) batch.push(await make())
    batches.push(batch)
  }
  return batches
}

/**
 * Two relays not meshed, a member holding both, a valid flood over the bridge's limit at
 * the second: before, the second graylisted the bridge within 5 s and 0 of 5 posts crossed
 * either way, still split 60 s later. Now the room stays one.
 */
export async function bridgeSplit(seconds: number): Promise<Outcome> {
  const [a, b] = await Promise.all([RelayProcess.start(), RelayProcess.start()])
  const peers: NetPeer[] = []
  try {
    const start = async (relays: string[]) => {
      const peer = await startNetPeer({ relays, room: 'bridged', timings: DEFAULT_TIMINGS })
      peers.push(peer)
      return peer
    }
    const alice = await start([a.address])
    const bob = await start([b.address])
    // The bridge: the only member holding both relays.
    await start([a.address, b.address])
    await waitFor(
      () => alice.events.joined.includes(bob.did) && bob.events.joined.includes(alice.did),
      {
        timeoutMs: 30_000,
        what: 'alice and bob through the bridge',
      },
    )
    const topic = alice.thread.topic
    const perConnection = Math.round(PEER_RATE_LIMIT.perSecond * 0.9)
    await withRaws(a.address, topic, 3, (raws) =>
      Promise.all(
        raws.map((raw) =>
          publishPaced(raw, topic, freshDidPosts(topic, perConnection * seconds, 5), perConnection),
        ),
      ),
    )
    await sleep(2_000)
    let crossed = 0
    for (let n = 0; n < 5; n++) {
      for (const [from, to] of [
        [alice, bob],
        [bob, alice],
      ] as const) {
        const text = `after ${n} from ${from.did.slice(-4)}`
        await from.thread.post(text)
        const arrived = await waitFor(() => to.events.texts().includes(text), {
          timeoutMs: 3_000,
        }).then(
          () => true,
          () => false,
        )
        if (arrived) crossed++
      }
    }
    const graylisted =
      (await a.metric('ghost_relay_penalized_peers{standing="graylisted"}')) +
      (await b.metric('ghost_relay_penalized_peers{standing="graylisted"}'))
    const limited = await relayCount(b, ['rate-limited-peer'])
    return {
      now: `${limited.toLocaleString('en')} of the bridge's forwards dropped at B; ${graylisted} graylisted; ${crossed} of 10 posts crossed after the flood`,
      ok: crossed === 10 && graylisted === 0,
    }
  } finally {
    await stopAll(peers)
    await Promise.all([a.stop(), b.stop()])
  }
}

/**
 * Valid posts from fresh DIDs past a member's replay window in one of its rooms: before,
 * a full window refused every room's new messages on the node. Here the member's window
 * holds 400 pairs (a setting) so a few seconds fill it; its other room must go on.
 */
export async function replayWindowFlood(): Promise<Outcome> {
  const relay = await RelayProcess.start()
  const peers: NetPeer[] = []
  try {
    const capacity = 400
    const victim = await startNetPeer({
      relays: [relay.address],
      room: 'flooded',
      rules: { seenCapacity: capacity },
    })
    const friend = await startNetPeer({ relays: [relay.address], room: 'quiet' })
    peers.push(victim, friend)
    const quiet = await (await victim.node.ghost.openSpace('netspace')).joinThread('quiet', {
      ghost: true,
    })
    const heard: unknown[] = []
    quiet.on('message', (post) => heard.push(post.message))
    await waitFor(async () => (await quiet.listMembers()).includes(friend.did), {
      timeoutMs: 15_000,
      what: 'the quiet room',
    })
    const topic = victim.thread.topic
    await withRaws(relay.address, topic, 1, ([raw]) =>
      publishPaced(raw as RawNode, topic, freshDidPosts(topic, capacity + 200, 5), 150),
    )
    await sleep(1_000)
    const full = victim.refusals.filter((r) => r.endsWith('replay-window-full')).length
    for (let n = 0; n < 20; n++) await friend.thread.post(`quiet ${n}`)
    await waitFor(() => heard.length >= 20, { timeoutMs: 10_000 }).catch(() => undefined)
    return {
      now: `flooded room: ${full} refused (window full); the member's other room: ${heard.length} of 20 heard`,
      ok: full > 0 && heard.length === 20,
    }
  } finally {
    await stopAll(peers)
    await relay.stop()
  }
}

/**
 * 60 members with one relay each over 3 meshed relays, 200 posts at 10/s, one relay
 * stopped at post 20: before, 91% of later deliveries arrived and no post after the stop
 * reached all 60 within 10 s. Now the stopped relay's members move to the relays it told
 * them about: every post sent from 10 s after the stop on reaches everyone.
 */
export async function relayStops(members: number): Promise<Outcome> {
  const relays = await RelayProcess.startMeshed(3)
  const peers: NetPeer[] = []
  try {
    for (let i = 0; i < members; i++) {
      const relay = relays[i % 3] as RelayProcess
      peers.push(
        await startNetPeer({ relays: [relay.address], room: 'stops', timings: DEFAULT_TIMINGS }),
      )
    }
    await waitFor(
      async () =>
        (await Promise.all(peers.map((peer) => peer.thread.listMembers()))).every(
          (list) => list.length === members,
        ),
      { timeoutMs: 60_000, what: 'everyone to list everyone' },
    )
    const sentAt: number[] = []
    const startedAt = Date.now()
    let stoppedAt = 0
    let stopping: Promise<unknown> = Promise.resolve()
    const talkers = peers.filter((_, i) => i % 3 !== 0) // none of the stopped relay's
    for (let n = 0; n < 200; n++) {
      if (n === 20) {
        stoppedAt = Date.now()
        stopping = (relays[0] as RelayProcess).stop()
      }
      sentAt.push(Date.now())
      void (talkers[n % talkers.length] as NetPeer).thread.post(`post ${n}`).catch(() => undefined)
      await sleep(Math.max(0, startedAt + (n + 1) * 100 - Date.now()))
    }
    await stopping
    await sleep(5_000)
    const given = peers.map((peer) => new Set(peer.events.allTexts()))
    const reachedAll = (n: number) => given.every((texts) => texts.has(`post ${n}`))
    const afterStop = Array.from({ length: 180 }, (_, i) => i + 20)
    const deliveries = afterStop.reduce(
      (sum, n) => sum + given.filter((texts) => texts.has(`post ${n}`)).length,
      0,
    )
    const late = afterStop.filter((n) => (sentAt[n] as number) - stoppedAt >= 10_000)
    const lateToAll = late.filter(reachedAll).length
    return {
      now: `after the stop: ${((100 * deliveries) / (afterStop.length * members)).toFixed(1)}% of deliveries; posts from 10 s after it that reached all ${members}: ${lateToAll} of ${late.length}`,
      ok: lateToAll === late.length,
    }
  } finally {
    await stopAll(peers)
    await Promise.all(relays.slice(1).map((relay) => relay.stop()))
  }
}

/**
 * A site's relay beside the user's in one space, and another site's room of the same
 * space: before, the site's relay served the whole space (it heard the other site's room,
 * the user's DID and address) and stayed after the site's grant went. Now the other site's
 * rooms run on a node that never connects to it, and the site's node stops with its last
 * room (what a revoked grant does). Node's SpaceNetwork, as the extension's host runs it.
 */
export async function siteRelayScope(): Promise<Outcome> {
  const [own, site] = await Promise.all([RelayProcess.start(), RelayProcess.start()])
  const network = new SpaceNetwork({
    relays: [own.address],
    webrtc: false,
    identity: createSeedIdentity(generateSeed()),
    allowPrivateAddresses: true,
    localSiteRelays: true,
  })
  try {
    const named = await (await network.openSpaceWith('shared', [site.address])).joinThread(
      'site-room',
      { ghost: true },
    )
    await (await network.openSpace('shared')).joinThread('other-room', { ghost: true })
    await waitFor(async () => (await own.metric('ghost_relay_rooms')) === 2, {
      timeoutMs: 15_000,
      what: "both rooms at the user's relay",
    })
    const heard = await site.metric('ghost_relay_rooms')
    const closedAt = Date.now()
    await named.close()
    const gone = await waitFor(async () => (await site.metric('ghost_relay_peers')) === 0, {
      timeoutMs: 15_000,
    }).then(
      () => Date.now() - closedAt,
      () => undefined,
    )
    return {
      now: `the site's relay heard ${heard} of the space's 2 rooms; hung up ${gone === undefined ? 'NEVER' : `${gone} ms`} after the site's last room closed`,
      ok: heard === 1 && gone !== undefined,
    }
  } finally {
    await network.stop()
    await Promise.all([own.stop(), site.stop()])
  }
}
