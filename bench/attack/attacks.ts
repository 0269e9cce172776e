/**
 * The attacks of issue 12, each run against the relay process and an honest room while
 * its members talk. An attacker is a raw libp2p node (plain libraries, none of our code)
 * or hand-made frames on our stream protocols. Each returns what it achieved, in words
 * for the table, and whether that is what the issue asked for.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { BACKLOG_PROTOCOL, DIRECT_PROTOCOL, NEWCOMER_RATE } from '../../src/core/constants.js'
import { decodeUtf8 } from '../../src/core/utf8.js'
import { sendRequest } from '../../src/net/stream-request.js'
import { claims, edKey, forge } from '../../test/helpers/jwt-forge.js'
import { startNetPeer } from '../../test/helpers/net-peer.js'
import { meshPeersOf, rawGossipNode, rawNodeInRoom } from '../../test/helpers/raw-node.js'
import type { RelayProcess } from '../../test/helpers/relay-process.js'
import { freshDidPosts, publishPaced } from '../../test/helpers/valid-flood.js'
import { sleep, waitFor } from '../../test/helpers/wait.js'
import type { BadKind } from './bad-messages.js'
import type { HonestRoom } from './honest-room.js'

const utf8 = new TextEncoder()

export interface Outcome {
  now: string
  ok: boolean
}

export async function relayCount(
  relay: RelayProcess,
  reasons: string[],
  verdicts = ['reject', 'ignore'],
) {
  let total = 0
  for (const verdict of verdicts)
    for (const reason of reasons)
      total += await relay.metric(
        `ghost_relay_messages_total{verdict="${verdict}",reason="${reason}"}`,
      )
  return total
}

/** 100 of one bad kind from a fresh raw node: refused at the relay, none reaches a member. */
export async function badKind(
  relay: RelayProcess,
  room: HonestRoom,
  kind: BadKind,
): Promise<Outcome> {
  const raw = await rawNodeInRoom(relay.address, room.topic)
  try {
    const messages = kind.make(room.topic, 100)
    const refusedBefore = await relayCount(relay, kind.reasons)
    const marks = room.refusalMarks()
    const textsBefore = room.peers.map((peer) => peer.events.texts().length)
    await publishPaced(raw, room.topic, messages, 200)
    await sleep(1_500)
    const refused = (await relayCount(relay, kind.reasons)) - refusedBefore
    // Anything a member's rules saw came through the relay: members hold no other link.
    const reached = room.refusalsSince(marks).filter((r) => kind.reasons.some((k) => r.endsWith(k)))
    const newTexts = room.peers.map((peer, i) => peer.events.texts().slice(textsBefore[i]))
    const delivered = newTexts.flat().filter((text) => !String(text).startsWith('honest-'))
    // A replay is one valid message: delivered once to each member, never again.
    const replay = kind.reasons.includes('duplicate')
    const forwarded =
      reached.length + (replay ? delivered.length - room.peers.length : delivered.length)
    const unread = messages.length - refused - (replay ? 1 : 0)
    return {
      now: `${refused} refused by the relay, ${unread} dropped before validation, ${forwarded} forwarded`,
      ok: forwarded === 0,
    }
  } finally {
    await raw.stop()
  }
}

/** Valid posts from fresh DIDs over `connections` raw nodes, `perSecond` in all. */
export async function validFlood(
  relay: RelayProcess,
  room: HonestRoom,
  durationS: number,
  perSecond: number,
  connections: number,
): Promise<Outcome> {
  const raws = await Promise.all(
    Array.from({ length: connections }, () => rawNodeInRoom(relay.address, room.topic)),
  )
  try {
    const each = Math.round((perSecond * durationS) / connections)
    const batches = raws.map(() => freshDidPosts(room.topic, each, 5))
    const accepted = await relayCount(relay, ['ok'], ['accept'])
    const limited = await relayCount(relay, ['rate-limited-peer'])
    await Promise.all(
      raws.map((raw, i) =>
        publishPaced(raw, room.topic, batches[i] ?? [], perSecond / connections),
      ),
    )
    await sleep(1_000)
    const graylisted = await relay.metric('ghost_relay_penalized_peers{standing="graylisted"}')
    const through = (await relayCount(relay, ['ok'], ['accept'])) - accepted
    const refused = (await relayCount(relay, ['rate-limited-peer'])) - limited
    return {
      now: `${(perSecond * durationS).toLocaleString('en')} sent; ${refused.toLocaleString('en')} refused over the per-peer limit; ${graylisted} of ${connections} graylisted; ~${through.toLocaleString('en')} accepted (honest ones too)`,
      ok: true,
    }
  } finally {
    await Promise.all(raws.map((raw) => raw.stop()))
  }
}

/** Forged signatures as fast as `perSecond` from one connection: how soon it is shut out. */
export async function forgedFlood(
  relay: RelayProcess,
  room: HonestRoom,
  durationS: number,
  perSecond: number,
): Promise<Outcome> {
  const raw = await rawNodeInRoom(relay.address, room.topic)
  const relayId = relay.address.split('/p2p/')[1] as string
  const mallory = edKey()
  const [header, , signature] = forge(mallory, claims(mallory, 'chat', room.topic)).split('.')
  const forged = Array.from({ length: durationS * perSecond }, (_, i) => {
    const payload = JSON.stringify(claims(mallory, 'chat', room.topic, { message: `f${i}` }))
    return utf8.encode(`${header}.${Buffer.from(payload).toString('base64url')}.${signature}`)
  })
  // Earlier attackers may still be counted (points halve every minute): only a rise counts.
  const graylistedBefore = await relay.metric('ghost_relay_penalized_peers{standing="graylisted"}')
  const started = Date.now()
  let prunedMs: number | undefined
  let graylistedMs: number | undefined
  const watching = (async () => {
    const done = () => prunedMs !== undefined && graylistedMs !== undefined
    while (Date.now() - started < durationS * 1000 + 2_000 && !done()) {
      // Pruned: the relay's PRUNE reached the flooder, whose mesh no longer holds the relay.
      if (!meshPeersOf(raw.services.pubsub, room.topic).includes(relayId))
        prunedMs ??= Date.now() - started
      const gray = await relay.metric('ghost_relay_penalized_peers{standing="graylisted"}')
      if (gray > graylistedBefore) graylistedMs ??= Date.now() - started
      await sleep(50)
    }
  })()
  const validated = await relayCount(relay, ['bad-signature'])
  await publishPaced(raw, room.topic, forged, perSecond)
  await watching
  const checked = (await relayCount(relay, ['bad-signature'])) - validated
  await raw.stop()
  const seconds = (ms: number | undefined) =>
    ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`
  return {
    now: `pruned after ${seconds(prunedMs)}, graylisted after ${seconds(graylistedMs)}; ${checked.toLocaleString('en')} of ${forged.length.toLocaleString('en')} checked, the rest dropped unread`,
    ok: prunedMs !== undefined && prunedMs <= 10_000,
  }
}

/** 2,000 signed joins from fresh DIDs over two connections, each under the relay's limit. */
export async function joinFlood(relay: RelayProcess, room: HonestRoom): Promise<Outcome> {
  const raws = [
    await rawNodeInRoom(relay.address, room.topic),
    await rawNodeInRoom(relay.address, room.topic),
  ]
  const watcher = room.peers[room.peers.length - 1]
  const before = watcher?.events.joined.length ?? 0
  const joins = (from: number) =>
    Array.from({ length: 1_000 }, (_, i) => {
      const key = edKey()
      const peer = `12D3KooWFakePeer${String(from + i).padStart(8, '0')}`
      return utf8.encode(forge(key, claims(key, 'join', room.topic, { peer })))
    })
  const batches = [joins(0), joins(1_000)]
  const started = Date.now()
  await Promise.all(raws.map((raw, i) => publishPaced(raw, room.topic, batches[i] ?? [], 80)))
  await sleep(1_000)
  const seconds = (Date.now() - started) / 1000
  const seen = (watcher?.events.joined.length ?? 0) - before
  await Promise.all(raws.map((raw) => raw.stop()))
  const budget = NEWCOMER_RATE.burst + NEWCOMER_RATE.perSecond * seconds
  return {
    now: `${seen.toLocaleString('en')} user-joined in ${seconds.toFixed(0)} s (budget ${Math.floor(budget).toLocaleString('en')}: ${NEWCOMER_RATE.burst} + ${NEWCOMER_RATE.perSecond}/s)`,
    ok: seen <= budget,
  }
}

/** One throw-away DID asks the relay for the room's backlog 20 times in a row. */
export async function backlogAmplification(
  relay: RelayProcess,
  room: HonestRoom,
): Promise<Outcome> {
  const raw = await rawGossipNode()
  const asker = edKey()
  let answered = 0
  let largest = 0
  let requestBytes = 0
  for (let i = 0; i < 20; i++) {
    const request = utf8.encode(forge(asker, claims(asker, 'request_backlog', room.topic)))
    requestBytes = request.length
    const answer = await sendRequest(raw, multiaddr(relay.address), BACKLOG_PROTOCOL, request)
    const parsed = JSON.parse(decodeUtf8(answer) ?? '{}') as { request?: string }
    if (parsed.request !== '') answered++
    largest = Math.max(largest, answer.length)
  }
  await raw.stop()
  return {
    now: `${answered} of 20 answered (largest ${(largest / 1024).toFixed(1)} KiB for ${requestBytes} B), the rest "cannot answer"`,
    ok: answered <= 6,
  }
}

/** 50 posts dated 9 s ahead fill the members' stores; then an honest post. */
export async function silencing(relay: RelayProcess, room: HonestRoom): Promise<Outcome> {
  const raw = await rawNodeInRoom(relay.address, room.topic)
  const mallory = edKey()
  const ahead = Math.floor(Date.now() / 1000) + 9
  const posts = Array.from({ length: 50 }, (_, i) =>
    utf8.encode(
      forge(mallory, claims(mallory, 'chat', room.topic, { iat: ahead, message: `ahead ${i}` })),
    ),
  )
  await publishPaced(raw, room.topic, posts, 50)
  await sleep(1_000)
  const [speaker, ...listeners] = room.peers
  const text = `still heard ${Date.now()}`
  await speaker?.thread.post(text)
  const heard = await waitFor(() => listeners.every((peer) => peer.events.texts().includes(text)), {
    timeoutMs: 5_000,
  }).then(
    () => true,
    () => false,
  )
  // Held, and not behind the posts dated ahead (others' honest posts may follow it).
  const kept = await Promise.all(
    listeners.map(async (peer) => {
      const held = (await peer.thread.getPosts()).map((post) => String(post.message))
      const at = held.indexOf(text)
      return at >= 0 && held.slice(at + 1).every((message) => !message.startsWith('ahead'))
    }),
  )
  await raw.stop()
  return {
    now: `the next honest post ${heard ? 'reached every member' : 'was LOST'}; held after every post dated ahead by ${kept.filter(Boolean).length} of ${listeners.length}`,
    ok: heard && kept.every(Boolean),
  }
}

/**
 * A recorded DM sent to its recipient again, after the recipient's replay window was
 * filled with fresh messages (a window of 300 here for speed; 100,000 in a real peer). The
 * DM goes on the direct protocol, where gossipsub's own seen-cache does not help.
 */
export async function replayAfterFilling(): Promise<Outcome> {
  const capacity = 300
  const victim = await startNetPeer({
    relays: [],
    room: 'replayed',
    listen: ['/ip4/127.0.0.1/tcp/0/ws'],
    rules: { seenCapacity: capacity },
  })
  const raw = await rawGossipNode()
  try {
    const topic = victim.thread.topic
    const addresses = victim.node.libp2p.getMultiaddrs()
    await raw.dial(addresses)
    raw.services.pubsub.subscribe(topic)
    await sleep(1_500)
    const mallory = edKey()
    const dm = utf8.encode(
      forge(mallory, claims(mallory, 'chat', topic, { to: victim.did, message: 'recorded dm' })),
    )
    const send = async () =>
      JSON.parse(decodeUtf8(await sendRequest(raw, addresses, DIRECT_PROTOCOL, dm)) ?? '{}') as {
        ok: boolean
        error?: string
      }
    const first = await send()
    await publishPaced(raw, topic, freshDidPosts(topic, capacity + 20, 5), 200)
    await sleep(1_000)
    const windowFull = victim.refusals.filter((r) => r.endsWith('replay-window-full')).length
    const again = await send()
    const copies = victim.events.texts().filter((text) => text === 'recorded dm').length
    return {
      now: `first ${first.ok ? 'accepted' : 'REFUSED'}; after ${capacity + 20} more (${windowFull} refused as replay-window-full) the copy is ${again.ok ? 'ACCEPTED' : `refused (${again.error})`}; delivered ${copies}×`,
      ok: first.ok && !again.ok && copies === 1,
    }
  } finally {
    await raw.stop()
    await victim.node.stop()
  }
}
