/**
 * `npm run bench:attack` — the attacks of issues 12 and 22 against the relay process and
 * an honest room of four real peers, two of them talking (10 posts a second in all)
 * through every attack (those of issue 22 that need a shape of their own, attacks-22.ts,
 * report their own honest figures too). Prints one table: the attack, what it did before the fix (the figures),
 * what it does now, and what the honest members met meanwhile. Targets from the issue:
 * every bad message refused and none forwarded; a 10× flood from fresh DIDs leaves honest
 * delivery ≥ 99% with p99 ≤ 250 ms; a forged-signature flood is pruned within 10 s.
 */
import './exit-on-signal.js'
import { cpus } from 'node:os'
import { RelayProcess } from '../test/helpers/relay-process.js'
import {
  backlogAmplification,
  badKind,
  forgedFlood,
  joinFlood,
  type Outcome,
  replayAfterFilling,
  silencing,
  validFlood,
} from './attack/attacks.js'
import {
  bridgeSplit,
  freshLinkPresences,
  freshLinks,
  relayStops,
  replayWindowFlood,
  rosterPadding,
  siteRelayScope,
} from './attack/attacks-22.js'
import { BAD_KINDS } from './attack/bad-messages.js'
import { HonestRoom, type HonestTraffic } from './attack/honest-room.js'
import { cpuPercent, readProc } from './scale/proc-stats.js'
import { percentile, printColumns } from './table.js'

const HONEST_PER_SECOND = 10
const DELIVERY_TARGET = 0.99
const P99_TARGET_MS = 250

const BEFORE: Record<string, string> = {
  bad: 'refused (held before the fix too)',
  flood10: 'all accepted; honest p99 841 ms',
  flood100: 'browsers then refused honest messages (rate-limited-peer)',
  forged: 'never pruned; relay 104% CPU; honest p99 1,557 ms',
  joins: '14,000 user-joined in 22 s',
  backlog: 'every request answered: 0.3 KB → 3.5 MiB',
  silencing: 'honest posts hidden ~29 s per batch',
  replay: 'accepted again once 100k–200k messages came between',
  bridge: 'bridge graylisted in 5 s; 0 of 5 posts crossed either way, split 60 s on',
  roster: 'relay RSS 189 → 719 MiB in 56 s, held',
  links: 'relay 39% of a core (8% without links); every member the same',
  window: 'a full window refused every room on the node',
  stops: '91% of later deliveries; no post after the stop reached all 60 in 10 s',
  site: "the site's relay heard every room of the space, and outlived the site",
}

const rows: string[][] = []
const relay = await RelayProcess.start()
const room = await HonestRoom.start(relay.address, 'attacked', 4)

/** Runs `attack` while the honest members talk for at least `seconds`. */
async function during(
  name: string,
  before: string,
  seconds: number,
  attack: () => Promise<Outcome>,
  strict = false,
) {
  const relayBefore = readProc(relay.pid as number)
  const [honest, outcome] = await Promise.all([
    room.talk(seconds * 1000, HONEST_PER_SECOND),
    attack(),
  ])
  const relayAfter = readProc(relay.pid as number)
  const relayCpu = Math.round(cpuPercent(relayBefore, relayAfter))
  const rss = `${Math.round(relayAfter.rssBytes / 2 ** 20)} MiB (${relayAfter.rssBytes >= relayBefore.rssBytes ? '+' : ''}${Math.round((relayAfter.rssBytes - relayBefore.rssBytes) / 2 ** 20)})`
  rows.push(row(name, before, outcome, honest, relayCpu, rss, strict))
}

function row(
  name: string,
  before: string,
  outcome: Outcome,
  honest: HonestTraffic,
  relayCpu: number,
  rss: string,
  strict: boolean,
) {
  const delivery = honest.expected === 0 ? 1 : honest.delivered / honest.expected
  const p50 = Math.round(percentile(honest.latenciesMs, 50))
  const p99 = Math.round(percentile(honest.latenciesMs, 99))
  const honestOk = !strict || (delivery >= DELIVERY_TARGET && p99 <= P99_TARGET_MS)
  return [
    name,
    before,
    outcome.now,
    `${(delivery * 100).toFixed(1)}% (${honest.delivered}/${honest.expected})`,
    `${p50} / ${p99} ms`,
    `${relayCpu}%`,
    rss,
    outcome.ok && honestOk ? 'yes' : 'NO',
  ]
}

try {
  await during('none (baseline)', '-', 8, async () => ({ now: '-', ok: true }), true)
  for (const kind of BAD_KINDS)
    await during(`100 × ${kind.name}`, BEFORE.bad as string, 3, () => badKind(relay, room, kind))
  await during(
    '10× flood: valid posts from fresh DIDs, 100/s over 4 connections',
    BEFORE.flood10 as string,
    8,
    () => validFlood(relay, room, 8, 10 * HONEST_PER_SECOND, 4),
    true,
  )
  await during(
    '100× flood: valid posts from fresh DIDs, 1,000/s from 1 connection',
    BEFORE.flood100 as string,
    8,
    () => validFlood(relay, room, 8, 100 * HONEST_PER_SECOND, 1),
  )
  await during('forged signatures, 2,000/s from 1 connection', BEFORE.forged as string, 10, () =>
    forgedFlood(relay, room, 10, 2_000),
  )
  await during(
    '2,000 joins from fresh DIDs, 160/s over 2 connections',
    BEFORE.joins as string,
    12,
    () => joinFlood(relay, room),
  )
  await during('one DID asks the relay for the backlog 20 times', BEFORE.backlog as string, 3, () =>
    backlogAmplification(relay, room),
  )
  await during('50 posts dated 9 s ahead (silencing)', BEFORE.silencing as string, 4, () =>
    silencing(relay, room),
  )
  await during(
    'a recorded DM replayed after the replay window filled',
    BEFORE.replay as string,
    5,
    replayAfterFilling,
  )
  // Issue 22.
  await during(
    'a member bridging two unmeshed relays; 3 × 90/s valid posts at one (own relays)',
    BEFORE.bridge as string,
    6,
    () => bridgeSplit(6),
  )
  await during(
    'presences padded to just under the 16 KiB JWT cap, fresh DIDs and peers, 4 × 95/s',
    BEFORE.roster as string,
    10,
    () => rosterPadding(relay, room, 10),
  )
  const linked = await freshLinkPresences(room.topic, 2, 95 * 8)
  await during('presences with fresh valid wallet links, 2 × 95/s', BEFORE.links as string, 8, () =>
    freshLinks(relay, room, linked),
  )
  await during(
    "a member's replay window filled in one of its rooms (own relay)",
    BEFORE.window as string,
    5,
    replayWindowFlood,
  )
  await during(
    "a site's relay beside the user's: another site's room in the same space (own relays)",
    BEFORE.site as string,
    3,
    siteRelayScope,
  )
  await during(
    'a relay stops: 60 members, one relay each, 3 meshed relays (own relays)',
    BEFORE.stops as string,
    20,
    () => relayStops(60),
  )
} finally {
  await room.stop()
  await relay.stop()
}

printColumns(
  `bench:attack — relay process + 4 honest peers (2 talking, ${HONEST_PER_SECOND} posts/s), ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}; honest targets (baseline and 10× flood): delivery ≥ 99%, p99 ≤ ${P99_TARGET_MS} ms`,
  [
    'attack',
    'before the fix (issues 12, 22)',
    'now',
    'honest delivered',
    'honest p50 / p99',
    'relay CPU',
    'relay RSS',
    'ok?',
  ],
  rows,
)
process.exit(rows.every((cells) => cells.at(-1) === 'yes') ? 0 : 1)
