/**
 * `npm run bench:net` — Ghost Threads on the real network: the relay as a child process
 * (`src/relay/main.ts`, validating every message), peers as libp2p nodes in this process,
 * everything over 127.0.0.1. Prints one table; targets are from issue 3.
 */
import './exit-on-signal.js'
import { cpus } from 'node:os'
import { encodeDidKey } from '../src/core/did-key.js'
import { createSeedIdentity, generateSeed, PEER_RATE_LIMIT } from '../src/core/index.js'
import { newInvite } from '../src/core/private-room.js'
import { LAST_FOLLOW_UP_MS } from '../src/core/thread-catch-up.js'
import { startGhostNode } from '../src/net/ghost-node.js'
import { RelayProcess } from '../test/helpers/relay-process.js'
import { joinDetection } from './net/baseline.js'
import { startPeer } from './net/peers.js'
import { joinLatencies, postLatencies, roomLatencies, sustainedRate } from './net/scenarios.js'
import { atLeast, atMost, none, percentile, printTable, type Row } from './table.js'

const ms = (values: number[], p: number) => Math.round(percentile(values, p) * 10) / 10
/** How long the private-room comparison waits after its joins, and how many posts it times. */
const SETTLED_MS = LAST_FOLLOW_UP_MS + 1_000
const SETTLED_POSTS = 150
const rows: Row[] = []
const relay = await RelayProcess.start()
try {
  const [a, b] = [await startPeer(relay.address), await startPeer(relay.address)]

  const joins = await joinLatencies(a, b, 20)
  rows.push({
    measure: `join → user-joined at the other peer, p50 (${joins.joined.length}/20)`,
    ...atMost(ms(joins.joined, 50), 300, 'ms'),
  })
  rows.push({ measure: 'join → user-joined, p99', ...atMost(ms(joins.joined, 99), 0, 'ms') })
  rows.push({
    measure: `join → its 3 earlier posts received, p50 (${joins.backlog.length}/20)`,
    ...atMost(ms(joins.backlog, 50), 0, 'ms'),
  })

  const viaRelay = await joinDetection(a, b, 10, 'via-relay')
  rows.push({
    measure: `same joins via the relay: ours p50 (${viaRelay.ours.length}/10 seen)`,
    ...atMost(ms(viaRelay.ours, 50), 300, 'ms'),
  })
  rows.push({
    measure: `same joins via the relay: ipfs-pubsub-room 3 (${viaRelay.baseline.length}/10 seen)`,
    result:
      viaRelay.baseline.length === 0
        ? 'never: it sees only the relay'
        : `${ms(viaRelay.baseline, 50)} ms p50`,
    target: '(baseline)',
    verdict: '-',
  })
  const listen = ['/ip4/127.0.0.1/tcp/0/ws']
  const identity = () => createSeedIdentity(generateSeed())
  const c = await startGhostNode({ relays: [], webrtc: false, listen, identity: identity() })
  const d = await startGhostNode({ relays: [], webrtc: false, listen, identity: identity() })
  await c.libp2p.dial(d.libp2p.getMultiaddrs())
  const direct = await joinDetection(c, d, 10, 'direct')
  rows.push({
    measure: `direct peers: ours join → user-joined p50 (${direct.ours.length}/10)`,
    ...atMost(ms(direct.ours, 50), 300, 'ms'),
  })
  rows.push({
    measure: `direct peers: ipfs-pubsub-room 3 peer joined p50 (${direct.baseline.length}/10)`,
    ...atMost(ms(direct.baseline, 50), 0, 'ms'),
  })
  await Promise.all([c.stop(), d.stop()])

  // 80 a second: one client's own rate at its relay is at most 100 (PEER_RATE_LIMIT).
  const posts = await postLatencies(a, b, 'latency', 1_000, 80)
  rows.push({
    measure: '2 peers via the relay, post → message p50 (1,000 msgs at 80/s)',
    ...atMost(ms(posts.latencies, 50), 3, 'ms'),
  })
  rows.push({
    measure: '2 peers via the relay, post → message p99',
    ...atMost(ms(posts.latencies, 99), 15, 'ms'),
  })
  rows.push({ measure: '2 peers via the relay, lost', ...none(posts.lost, 'msgs') })
  await Promise.all([a.stop(), b.stop()])

  const relayPid = relay.pid as number
  const room = await roomLatencies(relay.address, 20, 50, { relayPid })
  rows.push({
    measure: '20-peer room: start → everyone sees 19 members',
    ...atMost(Math.round(room.meshedMs), 0, 'ms'),
  })
  rows.push({
    measure: '20-peer room, post → message p50 (50 × 19)',
    ...atMost(ms(room.latencies, 50), 0, 'ms'),
  })
  rows.push({
    measure: '20-peer room, post → message p99',
    ...atMost(ms(room.latencies, 99), 50, 'ms'),
  })
  rows.push({ measure: `20-peer room, lost of ${room.expected}`, ...none(room.lost, 'msgs') })
  // The same room made private (issue 25), against the same public room run again: both
  // measured once the joins' catch-up is over (a newcomer's last follow-up question goes
  // 6–10 s after its join; right after 20 joins the private room's bigger answers, opened by every
  // member, fall into the posts' window and the comparison measures the joins).
  // Target: within 10%.
  const settled = { relayPid, settleMs: SETTLED_MS }
  const open = await roomLatencies(relay.address, 20, SETTLED_POSTS, settled)
  const secret = await roomLatencies(relay.address, 20, SETTLED_POSTS, {
    ...settled,
    invite: newInvite(encodeDidKey('EdDSA', new Uint8Array(32).fill(7))),
  })
  rows.push({
    measure: '20-peer private room: start → everyone sees 19 members',
    ...atMost(Math.round(secret.meshedMs), 0, 'ms'),
  })
  for (const p of [50, 99])
    rows.push({
      measure: `20-peer rooms ${SETTLED_MS / 1000} s after the joins, private post → message p${p} (public: ${ms(open.latencies, p)} ms)`,
      ...atMost(ms(secret.latencies, p), Math.max(1, ms(open.latencies, p) * 1.1), 'ms'),
    })
  rows.push({
    measure: `20-peer private room, lost of ${secret.expected}`,
    ...none(secret.lost, 'msgs'),
  })
  rows.push({
    measure: `CPU per post, relay / 20 peers: public room (${SETTLED_POSTS} posts, settled)`,
    result: `${open.relayCpuMsPerPost.toFixed(2)} / ${open.peersCpuMsPerPost.toFixed(2)} ms`,
    target: '(reported)',
    verdict: '-',
  })
  rows.push({
    measure: 'CPU per post, relay / 20 peers: private room (target: within 10% of public)',
    result: `${secret.relayCpuMsPerPost.toFixed(2)} / ${secret.peersCpuMsPerPost.toFixed(2)} ms`,
    target: `≤ ${(open.relayCpuMsPerPost * 1.1).toFixed(2)} / ${(open.peersCpuMsPerPost * 1.1).toFixed(2)} ms`,
    verdict:
      secret.relayCpuMsPerPost <= open.relayCpuMsPerPost * 1.1 &&
      secret.peersCpuMsPerPost <= open.peersCpuMsPerPost * 1.1
        ? 'yes'
        : 'NO',
  })

  // Senders enough that none passes 90 a second: a busy room's members, in their own process.
  // On a small machine the senders and the receiver need more CPU than the relay, and the
  // machine runs out before the relay does (issue 22: 927/s on 2 cores, the relay at ~45%
  // of one): the relay's capacity is what one of its cores handles, from its CPU per message.
  const rates = [1_000, 1_500, 2_000]
  const perSender = Math.floor(PEER_RATE_LIMIT.perSecond * 0.9)
  const r = await startPeer(relay.address)
  let best = 0
  let relayUs = Number.POSITIVE_INFINITY
  for (const rate of rates) {
    const clients = Math.ceil(rate / perSender)
    const run = await sustainedRate(relay.address, relay.pid as number, r, clients, rate, 4)
    const zeroLoss = run.received === run.sent
    if (zeroLoss) {
      best = Math.max(best, run.achieved)
      relayUs = Math.min(relayUs, run.relayUsPerMessage)
    }
    rows.push({
      measure: `offered ${rate.toLocaleString('en')}/s for 4 s from ${clients} clients: achieved, received; CPU relay / senders / receiver`,
      result: `${run.achieved.toLocaleString('en')}/s, ${run.received.toLocaleString('en')}/${run.sent.toLocaleString('en')}; ${run.cpu.relay}% / ${run.cpu.senders}% / ${run.cpu.receiver}% (${run.relayUsPerMessage} µs relay CPU a message)`,
      target: '(reported)',
      verdict: '-',
    })
  }
  rows.push({
    measure: `sustained signed msgs/s with zero loss, this harness on ${cpus().length} cores`,
    result: `${best.toLocaleString('en')} msg/s`,
    target: '(reported)',
    verdict: '-',
  })
  rows.push({
    measure: 'relay capacity: signed msgs/s one relay core validates and forwards (zero-loss runs)',
    ...atLeast(Number.isFinite(relayUs) ? Math.floor(1_000_000 / relayUs) : 0, 1_500, 'msg/s'),
  })
  // Every rate limit, whatever its verdict (rate limits are `ignore`: dropped, not scored).
  let refused = 0
  for (const verdict of ['reject', 'ignore'])
    for (const reason of ['rate-limited-did', 'rate-limited-peer'])
      refused += await relay.metric(
        `ghost_relay_messages_total{verdict="${verdict}",reason="${reason}"}`,
      )
  rows.push({
    measure: 'messages the relay refused for rate limits',
    ...atMost(refused, 0, 'msgs'),
  })
  await r.stop()
} finally {
  await relay.stop()
}
printTable(
  `Ghost Threads on the network: relay process + peers on 127.0.0.1, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  rows,
)
process.exit(0)
