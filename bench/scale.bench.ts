/**
 * `npm run bench:scale` — a crowd in one room, as users make one: real Ghost Threads peers
 * in worker processes (one per core), joining one after another over `--join-seconds`,
 * through one or more relay processes meshed with each other; then `--posts` posts at
 * `--rate` per second from peers across the room. Prints one table. Defaults fit a 2-core
 * machine; `--peers 1000 --relays 4` is the run for a bigger one.
 *
 *   --peers 300 --relays 1 --posts 100 --rate 10 --join-seconds 10 --workers <cores>
 *   --light N      N light members beside the --peers full ones (scale/light.ts: what a
 *                  member does on the wire, without checking signatures), joining among
 *                  them over the same window, in --light-workers processes (<cores>)
 *   --relay-per-member 1  each member holds one relay (by its index), not all of them
 *   --stop-relay   stop one relay halfway through the posts (needs --relays ≥ 2)
 *   --background-rooms N  the relays also serve N other rooms of --background-members
 *                  members (default 2) each, beating signed presences at a real member's
 *                  pace (raw libp2p clients in one more process); shows what a relay
 *                  serving 10,000 rooms still does for a new one
 *   SCALE_PROF=DIR writes each worker's, light process's and relay's CPU profile there (open in Chrome DevTools)
 *   --private      the crowd's room is a private room (issue 25): one invite, every
 *                  message sealed, relays carrying envelopes they cannot read; compare
 *                  with the same run without it
 *   --fresh-relays the crowd joins relays that have just started: they cannot vouch for
 *                  the room's posts, and every newcomer asks a member (a relay restart).
 *                  By default the joins wait until the relays are RELAY_HISTORY_WARMUP_MS
 *                  old, as a relay that has been running is.
 */
import './exit-on-signal.js'
import type { ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { encodeDidKey } from '../src/core/did-key.js'
import { newInvite } from '../src/core/private-room.js'
import { LAST_FOLLOW_UP_MS } from '../src/core/thread-catch-up.js'
import { RELAY_HISTORY_WARMUP_MS } from '../src/net/constants.js'
import { RelayProcess } from '../test/helpers/relay-process.js'
import { BackgroundRooms } from './scale/background-rooms.js'
import { startMemberProcess } from './scale/member-process.js'
import { bytesPerSecond, cpuPercent, type ProcReading, readProc } from './scale/proc-stats.js'
import {
  type FromLight,
  type FromWorker,
  type MembersReport,
  type ToLight,
  type ToWorker,
  wallClockMs,
} from './scale/protocol.js'
import { atMost, percentile, printTable, type Row } from './table.js'

const { values: flags } = parseArgs({
  options: {
    peers: { type: 'string', default: '300' },
    relays: { type: 'string', default: '1' },
    posts: { type: 'string', default: '100' },
    rate: { type: 'string', default: '10' },
    'join-seconds': { type: 'string', default: '10' },
    workers: { type: 'string', default: String(cpus().length) },
    light: { type: 'string', default: '0' },
    'light-workers': { type: 'string', default: String(cpus().length) },
    'relay-per-member': { type: 'string', default: '0' },
    'stop-relay': { type: 'boolean', default: false },
    'fresh-relays': { type: 'boolean', default: false },
    private: { type: 'boolean', default: false },
    'background-rooms': { type: 'string', default: '0' },
    'background-members': { type: 'string', default: '2' },
  },
})
const PEERS = Number(flags.peers)
const RELAYS = Number(flags.relays)
const POSTS = Number(flags.posts)
const RATE = Number(flags.rate)
const JOIN_MS = Number(flags['join-seconds']) * 1000
const WORKERS = Math.min(PEERS, Number(flags.workers))
const LIGHT = Number(flags.light)
const LIGHT_WORKERS = Math.min(LIGHT, Number(flags['light-workers']))
/** Everyone in the room: the full members and the light ones. */
const MEMBERS = PEERS + LIGHT
const RELAY_PER_MEMBER = flags['relay-per-member'] === '1'
/**
 * Members join in index order, one every `--join-seconds / MEMBERS`; the full members'
 * indices are spread evenly among the light ones', so full members join early and late.
 */
const FULL_INDICES = Array.from({ length: PEERS }, (_, j) => Math.floor((j * MEMBERS) / PEERS))
const LIGHT_INDICES = (() => {
  const full = new Set(FULL_INDICES)
  return Array.from({ length: MEMBERS }, (_, k) => k).filter((k) => !full.has(k))
})()
const STOP_RELAY = flags['stop-relay']
const FRESH_RELAYS = flags['fresh-relays']
/** A creator who is not in the room (any Ed25519 did:key): the room never rotates. */
const SOMEONE_ELSE = encodeDidKey('EdDSA', new Uint8Array(32).fill(7))
/** The crowd's private room's invite. */
const INVITE = flags.private ? newInvite(SOMEONE_ELSE) : undefined
const BACKGROUND_ROOMS = Number(flags['background-rooms'])
const BACKGROUND_MEMBERS = Number(flags['background-members'])
const PROFILE_DIR = process.env.SCALE_PROF
/** Members of every room on the relays: the crowd and the background rooms'. */
const EVERY_MEMBER = MEMBERS + BACKGROUND_ROOMS * BACKGROUND_MEMBERS
/** The relay targets are the crowd's; with background rooms the figures are reported. */
const RELAY_TARGETS =
  BACKGROUND_ROOMS > 0 ? { idleCpu: 0, rssMiB: 0 } : { idleCpu: 15, rssMiB: 300 }
if (STOP_RELAY && RELAYS < 2) throw new Error('--stop-relay needs --relays 2 or more')
/** How long members may take to list everyone after the last join before we give up. */
const CONVERGE_LIMIT_MS = 40_000
/** A post counts as delivered when every other member has it within this time. */
const DELIVERY_LIMIT_MS = 10_000
const IDLE_MS = 10_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Relays in a full mesh, each listing every other (so none holds another to the per-peer
// limit of a client). One machine is one IP address: the per-address reservation cap is
// raised to the crowd's size.
const relays = await RelayProcess.startMeshed(RELAYS, {
  args: ['--max-reservations-per-ip', String(MEMBERS + 100)],
  ...(PROFILE_DIR === undefined
    ? {}
    : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] }),
})
const relaysStartedMs = Date.now()
const relayPids = relays.map((relay) => relay.pid as number)
const workers: ChildProcess[] = []
const events: FromWorker[] = []
const joinedAt = new Map<number, number>()
const convergedAt = new Map<number, number>()
const failures: string[] = []
const reports: MembersReport[] = []
const lightProcesses: ChildProcess[] = []
const lightReports: MembersReport[] = []
/** How long each member took to hold its relay connection(s), ms. */
const dialTimes: number[] = []
let stopping = false

function joined({ peer, atMs, dialMs }: { peer: number; atMs: number; dialMs: number }): void {
  joinedAt.set(peer, atMs)
  dialTimes.push(dialMs)
}

/**
 * One of the harness's member processes (`scale/<file>`): an exit before the run ends is
 * a failure.
 */
function startMembers<M extends FromWorker | FromLight>(
  file: 'worker.ts' | 'light.ts',
  what: string,
  onMessage: (message: M) => void,
): Promise<ChildProcess> {
  return startMemberProcess<M>(file, {
    ...(PROFILE_DIR === undefined ? {} : { profileDir: PROFILE_DIR }),
    onMessage,
    onExit: (why) => {
      if (!stopping) failures.push(`a ${what} process exited (${why})`)
    },
  })
}

/** A process of light members (scale/light.ts). */
const startLight = () =>
  startMembers<FromLight>('light.ts', 'light', (message) => {
    if (message.type === 'joined') joined(message)
    if (message.type === 'failed') failures.push(`light member ${message.peer}: ${message.error}`)
    if (message.type === 'report') lightReports.push(message)
  })

/** A process of full members (scale/worker.ts). */
const startWorker = () =>
  startMembers<FromWorker>('worker.ts', 'worker', (message) => {
    events.push(message)
    if (message.type === 'joined') joined(message)
    if (message.type === 'converged') convergedAt.set(message.peer, message.atMs)
    if (message.type === 'failed') failures.push(`peer ${message.peer}: ${message.error}`)
    if (message.type === 'report') reports.push(message)
  })

async function until(condition: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs
  while (!condition() && Date.now() < deadline) await sleep(100)
  return condition()
}

const liveWorkers = () => workers.filter((worker) => worker.connected).length
const liveLight = () => lightProcesses.filter((child) => child.connected).length

/** Bytes the members took in by message type, the processes' reports together. */
function sumBytes(from: MembersReport[]): Record<string, number> {
  const sum: Record<string, number> = {}
  for (const report of from)
    for (const [type, bytes] of Object.entries(report.bytesByType))
      sum[type] = (sum[type] ?? 0) + bytes
  return sum
}

/** Every process's report, asked for now; `all` is false when one did not answer in time. */
interface Reports {
  full: MembersReport[]
  light: MembersReport[]
  all: boolean
}

async function reportAll(): Promise<Reports> {
  reports.length = 0
  lightReports.length = 0
  for (const worker of workers) tell(worker, { type: 'report' })
  for (const child of lightProcesses)
    if (child.connected) child.send({ type: 'report' } satisfies ToLight)
  const all = await until(
    () => reports.length >= liveWorkers() && lightReports.length >= liveLight(),
    10_000,
  )
  const taken = { full: [...reports], light: [...lightReports], all }
  reports.length = 0
  lightReports.length = 0
  return taken
}

/** The worst event-loop delay p99 of the harness's processes since their last report. */
function lagRow(phase: string, { full, light, all }: Reports): Row {
  const worst = (from: { lagP99Ms: number }[]) =>
    from.length === 0 ? '-' : `${Math.round(Math.max(...from.map((report) => report.lagP99Ms)))}`
  return {
    measure: `harness event-loop delay p99 while the room ${phase}: full members' / light members' processes (worst)`,
    result: all ? `${worst(full)} / ${worst(light)} ms` : 'not measured: a process did not report',
    target: '(reported)',
    verdict: '-',
  }
}

/** What the peers took in so far, by type (full members); undefined when one did not report. */
function takenIn({ full, all }: Reports): Record<string, number> | undefined {
  return all ? sumBytes(full) : undefined
}

/** A worker that died (a crash takes its peers with it) is reported, not told anything. */
function tell(worker: ChildProcess, message: ToWorker): void {
  if (worker.connected) worker.send(message)
}

const rows: Row[] = []
const readAll = (): ProcReading[] => relayPids.map((pid) => readProc(pid))
const relayCpu = (from: ProcReading[], to: ProcReading[]) =>
  Math.max(...from.map((reading, r) => cpuPercent(reading, to[r] as ProcReading)))
const relayBytes = (from: ProcReading[], to: ProcReading[]) =>
  from.reduce((sum, reading, r) => sum + bytesPerSecond(reading, to[r] as ProcReading), 0)

/**
 * The harness shares the machine with the relays: on a small one it, not the relay, can be
 * what runs out of CPU, so its cost is shown beside the relay's: the full members' workers
 * and the light members' processes apart.
 */
interface HarnessReading {
  full: ProcReading[]
  light: ProcReading[]
}
const readHarness = (): HarnessReading => ({
  full: workers.map((worker) => readProc(worker.pid as number)),
  light: lightProcesses.map((child) => readProc(child.pid as number)),
})
const cpuOf = (from: ProcReading[], to: ProcReading[]) =>
  from.reduce((sum, reading, w) => sum + cpuPercent(reading, to[w] as ProcReading), 0)

/** Readings of the relays and of the harness at both ends of a phase. */
interface PhaseReadings {
  relays: [ProcReading[], ProcReading[]]
  harness: [HarnessReading, HarnessReading]
}

/** What the room cost while it joined, idled or talked: the busiest relay, the harness, the traffic. */
function phaseCostRows(
  phase: 'joins' | 'idles' | 'talks',
  { relays: [before, after], harness: [harnessBefore, harnessAfter] }: PhaseReadings,
  relayCpuTarget: number,
  relayNote = '',
): Row[] {
  const during = { joins: 'while joining', idles: 'while idle', talks: 'while talking' }[phase]
  const light = LIGHT === 0 ? '' : ` / ${LIGHT} light members (${LIGHT_WORKERS} processes)`
  const lightCpu =
    LIGHT === 0 ? '' : ` / ${Math.round(cpuOf(harnessBefore.light, harnessAfter.light))}`
  return [
    {
      measure: `relay CPU while the room ${phase} (busiest relay${relayNote})`,
      ...atMost(Math.round(relayCpu(before, after)), relayCpuTarget, '% of a core'),
    },
    {
      measure: `the ${PEERS} peers' CPU${light} while the room ${phase}`,
      result: `${Math.round(cpuOf(harnessBefore.full, harnessAfter.full))}${lightCpu} % of a core`,
      target: '(reported)',
      verdict: '-',
    },
    {
      measure: `relay traffic per member ${during} (in + out, all relays${BACKGROUND_ROOMS > 0 ? ', members of every room' : ''})`,
      ...atMost(Math.round(relayBytes(before, after) / EVERY_MEMBER), 0, 'B/s'),
    },
  ]
}

/**
 * What the relays answered newcomers so far: the questions by kind and the bytes sent,
 * all relays together (a join costs the relay what it sends back, issue 26).
 */
async function answersRow(): Promise<Row> {
  const sum = async (series: string) =>
    (await Promise.all(relays.map((relay) => relay.metric(series)))).reduce((a, b) => a + b, 0)
  const question = (kind: string) => sum(`ghost_relay_backlog_answers_total{question="${kind}"}`)
  const [members = 0, latecomers = 0, posts = 0] = await Promise.all(
    ['members', 'latecomers', 'posts'].map(question),
  )
  const room = INVITE === undefined ? 'public' : 'private'
  const bytes = await sum(`ghost_relay_backlog_answer_bytes_total{room="${room}"}`)
  return {
    measure: `the relays' answers to newcomers: member lists / latecomers / posts only, and bytes sent`,
    result: `${members} / ${latecomers} / ${posts}, ${(bytes / 2 ** 20).toFixed(1)} MiB (${Math.round(bytes / Math.max(1, members + latecomers + posts) / 1024)} KiB each)`,
    target: '(reported)',
    verdict: '-',
  }
}

/** Bytes of room messages each relay took from other relays so far (its metric). */
async function bytesFromRelays(): Promise<Map<RelayProcess, number>> {
  const running = relays.filter((relay) => relay.pid !== undefined)
  const counts = await Promise.all(
    running.map((relay) => relay.metric('ghost_relay_message_bytes_total{from="relay"}')),
  )
  return new Map(running.map((relay, r) => [relay, counts[r] ?? 0]))
}

/**
 * What the relays sent each other while the room talked, per post (its typing, reactions
 * and seen marks included): the relays still running at the end, since `before`.
 */
async function relayToRelayRow(before: Map<RelayProcess, number>): Promise<Row> {
  const after = await bytesFromRelays()
  let bytes = 0
  for (const [relay, count] of after) bytes += count - (before.get(relay) ?? count)
  return {
    measure: `relay-to-relay bytes per post while the room talked (${after.size} relays at the end, its signals included)`,
    ...atMost(Math.round(bytes / POSTS), 0, 'B'),
  }
}

/** The rooms of `--background-rooms`, once started. */
let background: BackgroundRooms | undefined

try {
  if (BACKGROUND_ROOMS > 0) {
    background = await BackgroundRooms.start(relays, BACKGROUND_ROOMS, BACKGROUND_MEMBERS, failures)
    // Raw clients publish without waiting for the relay's mesh (our peers wait for it):
    // their first presences are left out.
    await sleep(10_000)
    await background.row('')
    await sleep(10_000)
    rows.push(await background.row('before the crowd came (10 s)'))
  }
  for (let w = 0; w < WORKERS; w++) workers.push(await startWorker())
  for (let w = 0; w < LIGHT_WORKERS; w++) lightProcesses.push(await startLight())
  if (!FRESH_RELAYS) await sleep(relaysStartedMs + RELAY_HISTORY_WARMUP_MS - Date.now())

  // Join: member k at epoch + k × gap; full members round-robin over the workers, light
  // ones over their processes.
  const epochMs = wallClockMs() + 1_000
  const gapMs = JOIN_MS / MEMBERS
  const relayChoice = {
    relays: relays.map((relay) => relay.address),
    relayPerMember: RELAY_PER_MEMBER,
  }
  const invite = INVITE === undefined ? {} : { invite: INVITE }
  workers.forEach((worker, w) => {
    const peers = FULL_INDICES.filter((_, j) => j % WORKERS === w)
    tell(worker, {
      type: 'join',
      ...relayChoice,
      room: 'crowd',
      peers,
      epochMs,
      gapMs,
      roomSize: MEMBERS,
      ...invite,
    })
  })
  lightProcesses.forEach((child, w) => {
    const members = LIGHT_INDICES.filter((_, j) => j % LIGHT_WORKERS === w)
    const join: ToLight = {
      type: 'join',
      ...relayChoice,
      space: 'scale',
      room: 'crowd',
      members,
      epochMs,
      gapMs,
      ...invite,
    }
    child.send(join)
  })
  await sleep(epochMs - wallClockMs())
  const joinStart = { relays: readAll(), harness: readHarness() }
  await until(() => joinedAt.size + failures.length >= MEMBERS, JOIN_MS + 60_000)
  const lastJoin = Math.max(...joinedAt.values())
  rows.push(
    ...phaseCostRows(
      'joins',
      { relays: [joinStart.relays, readAll()], harness: [joinStart.harness, readHarness()] },
      0,
    ),
  )
  rows.push(await answersRow())
  const fullJoined = FULL_INDICES.filter((k) => joinedAt.has(k)).length
  const converged = await until(
    () => convergedAt.size >= fullJoined,
    lastJoin + CONVERGE_LIMIT_MS - wallClockMs(),
  )
  const afterJoin = await reportAll()
  rows.push(lagRow('joins', afterJoin))
  const counts = afterJoin.full.flatMap((report) => report.members)
  const listedAfter = [...convergedAt.values()].map((at) => at - lastJoin)
  rows.push({
    measure: `dialling the relay, p50 / p99 (${MEMBERS} members)`,
    result: `${Math.round(percentile(dialTimes, 50))} / ${Math.round(percentile(dialTimes, 99))} ms`,
    target: '(reported)',
    verdict: '-',
  })
  rows.push({
    measure: `last join → a full member lists everyone, p50 / p90 (members that did)`,
    result: `${(percentile(listedAfter, 50) / 1000).toFixed(1)} / ${(percentile(listedAfter, 90) / 1000).toFixed(1)} s`,
    target: '(reported)',
    verdict: '-',
  })
  rows.push({
    measure: `${MEMBERS} joins over ${JOIN_MS / 1000} s: last join → every full member lists everyone`,
    ...(converged
      ? atMost(Math.round((Math.max(...convergedAt.values()) - lastJoin) / 100) / 10, 10, 's')
      : {
          result: `no, after ${CONVERGE_LIMIT_MS / 1000} s: lowest ${Math.min(...counts)}, mean ${Math.round(counts.reduce((a, b) => a + b, 0) / counts.length)} of ${MEMBERS}`,
          target: '≤ 10 s',
          verdict: 'NO',
        }),
  })
  if (LIGHT > 0) {
    const heard = afterJoin.light.flatMap((report) => report.members)
    rows.push({
      measure: 'members a light member has heard of (its pace), lowest / mean',
      result: `${Math.min(...heard)} / ${Math.round(heard.reduce((a, b) => a + b, 0) / Math.max(1, heard.length))} of ${MEMBERS}`,
      target: '(reported)',
      verdict: '-',
    })
  }

  if (background !== undefined) rows.push(await background.row('while the crowd joined'))

  // The room idles: from when the last newcomer's follow-up questions are answered (they
  // come up to LAST_FOLLOW_UP_MS after its join), at least 2 s from now.
  await sleep(Math.max(2_000, lastJoin + LAST_FOLLOW_UP_MS + 1_000 - wallClockMs()))
  const idleReports = await reportAll()
  let before = readAll()
  let harnessBefore = readHarness()
  await sleep(IDLE_MS)
  let after = readAll()
  let harnessAfter = readHarness()
  rows.push(
    ...phaseCostRows(
      'idles',
      { relays: [before, after], harness: [harnessBefore, harnessAfter] },
      RELAY_TARGETS.idleCpu,
    ),
  )

  // What the peers took in so far, by type: the talk's signals are what comes after.
  const beforeTalk = await reportAll()
  if (process.env.SCALE_DIAG !== undefined) {
    const light = (from: Reports) => sumBytes(from.light)
    const idleStart = light(idleReports)
    const idleEnd = light(beforeTalk)
    console.error(
      'light members took in while idle, B/s per member, by type:',
      Object.fromEntries(
        Object.entries(idleEnd).map(([type, bytes]) => [
          type,
          Math.round((bytes - (idleStart[type] ?? 0)) / Math.max(1, LIGHT) / (IDLE_MS / 1000)),
        ]),
      ),
    )
  }
  rows.push(lagRow('idles', beforeTalk))
  const bytesBeforeTalk = takenIn(beforeTalk)
  // The room talks: post i from peer (i × 7) mod N, at its time, typed first; every fifth
  // post gets a reaction; every member says now and then which post it saw last.
  const talkStart = wallClockMs() + 500
  const schedule = Array.from({ length: POSTS }, (_, i) => ({
    peer: FULL_INDICES[(i * 7) % PEERS] as number,
    post: i,
    atMs: talkStart + (i * 1000) / RATE,
  }))
  workers.forEach((worker, w) => {
    // Each post to the worker that holds its author (full member j is in worker j mod W).
    const posts = schedule.filter(({ peer }) => FULL_INDICES.indexOf(peer) % WORKERS === w)
    tell(worker, { type: 'post', posts })
  })
  before = readAll()
  harnessBefore = readHarness()
  const fromRelaysBefore = await bytesFromRelays()
  const stopAtMs = talkStart + (POSTS / 2) * (1000 / RATE)
  if (STOP_RELAY) {
    await sleep(stopAtMs - wallClockMs())
    after = readAll()
    await relays[relays.length - 1]?.stop()
    relayPids.pop()
    before = before.slice(0, relayPids.length)
    after = after.slice(0, relayPids.length)
  }
  await sleep(talkStart + (POSTS * 1000) / RATE - wallClockMs())
  if (!STOP_RELAY) after = readAll()
  harnessAfter = readHarness()
  await sleep(DELIVERY_LIMIT_MS)
  const afterTalk = await reportAll()
  rows.push(lagRow('talks', afterTalk))
  if (RELAYS > 1) rows.push(await relayToRelayRow(fromRelaysBefore))

  const talkSeconds = POSTS / RATE + DELIVERY_LIMIT_MS / 1000
  const bytesAfterTalk = takenIn(afterTalk)
  for (const type of ['typing', 'react', 'seen', 'presence', 'chat']) {
    const measure = `${type === 'chat' ? 'posts' : `${type} signals`} taken in per full member while talking (${talkSeconds} s)`
    if (bytesBeforeTalk === undefined || bytesAfterTalk === undefined) {
      rows.push({
        measure,
        result: 'not measured: a worker did not report',
        target: '(reported)',
        verdict: '-',
      })
      continue
    }
    const bytes = (bytesAfterTalk[type] ?? 0) - (bytesBeforeTalk[type] ?? 0)
    rows.push({
      measure,
      ...atMost(Math.round(bytes / Math.max(1, fullJoined) / talkSeconds), 0, 'B/s'),
    })
  }
  const byPost = new Map<number, number[]>()
  for (const report of [...afterTalk.full, ...afterTalk.light])
    for (const [post, delays] of Object.entries(report.latencies))
      byPost.set(Number(post), [...(byPost.get(Number(post)) ?? []), ...delays])
  const atFull = afterTalk.full.flatMap((report) => Object.values(report.latencies).flat())
  const receivers = joinedAt.size - 1
  const all = [...byPost.values()].flat()
  const delivered = all.filter((ms) => ms <= DELIVERY_LIMIT_MS).length
  const toAll = schedule.map(({ post }) => {
    const delays = byPost.get(post) ?? []
    return delays.length >= receivers ? Math.max(...delays) : Number.POSITIVE_INFINITY
  })
  const pct = (count: number, of: number) => Math.round((1000 * count) / Math.max(1, of)) / 10
  rows.push({
    measure: `${POSTS} posts at ${RATE}/s: delivered to every other member within 10 s`,
    result: `${pct(delivered, POSTS * receivers)}% (${delivered.toLocaleString('en')}/${(POSTS * receivers).toLocaleString('en')})`,
    target: '100%',
    verdict: delivered === POSTS * receivers ? 'yes' : 'NO',
  })
  if (STOP_RELAY) {
    const later = schedule.filter(({ atMs }) => atMs > stopAtMs)
    const laterAll = later.filter(
      ({ post }) => toAll[post] !== undefined && (toAll[post] ?? Infinity) <= DELIVERY_LIMIT_MS,
    )
    // Which ones missed, and by how many members: the seconds after the stop they were sent.
    const missed = later
      .filter((post) => !laterAll.includes(post))
      .map(({ post, atMs }) => {
        const onTime = (byPost.get(post) ?? []).filter((ms) => ms <= DELIVERY_LIMIT_MS).length
        return `+${((atMs - stopAtMs) / 1000).toFixed(1)} s: ${receivers - onTime} short`
      })
    rows.push({
      measure: `posts after one relay stopped, reaching everyone within 10 s`,
      result: `${laterAll.length}/${later.length}${missed.length === 0 ? '' : ` (missed: ${missed.slice(0, 6).join(', ')}${missed.length > 6 ? ', …' : ''})`}`,
      target: `${later.length}/${later.length}`,
      verdict: laterAll.length === later.length ? 'yes' : 'NO',
    })
  }
  const ms = (values: number[], p: number) => Math.round(percentile(values, p))
  rows.push({ measure: 'post → message, p50', ...atMost(ms(all, 50), 0, 'ms') })
  rows.push({ measure: 'post → message, p99', ...atMost(ms(all, 99), 0, 'ms') })
  if (LIGHT > 0)
    rows.push({
      measure: 'post → message at the full members, p50 / p99',
      result: `${ms(atFull, 50)} / ${ms(atFull, 99)} ms`,
      target: '(reported)',
      verdict: '-',
    })
  rows.push({
    measure: 'post → the last member has it (time-to-all), p50',
    ...atMost(ms(toAll, 50), 0, 'ms'),
  })
  rows.push({
    measure: 'time-to-all, p99',
    ...atMost(ms(toAll, 99), RELAYS >= 4 ? 1_500 : 1_000, 'ms'),
  })
  rows.push(
    ...phaseCostRows(
      'talks',
      { relays: [before, after], harness: [harnessBefore, harnessAfter] },
      0,
      STOP_RELAY ? ', before the stop' : '',
    ),
  )
  if (background !== undefined) rows.push(await background.row('while the crowd idled and talked'))
  const lost = await Promise.all(
    relays
      .filter((relay) => relay.pid !== undefined)
      .map((relay) => relay.metric('ghost_relay_refused_total{why="gossip-stream-lost"}')),
  )
  rows.push({
    measure: 'connections hung up for a lost gossip stream (all relays)',
    ...atMost(
      lost.reduce((a, b) => a + b, 0),
      0,
      '',
    ),
  })
  const rss = Math.max(...relayPids.map((pid) => readProc(pid).rssBytes))
  rows.push({
    measure: 'relay RSS (largest)',
    ...atMost(Math.round(rss / 2 ** 20), RELAY_TARGETS.rssMiB, 'MiB'),
  })
  if (failures.length > 0)
    rows.push({
      measure: 'peers that failed to start, workers that died',
      result: failures.slice(0, 3).join('; '),
      target: 'none',
      verdict: 'NO',
    })
} finally {
  stopping = true
  await Promise.all(
    [...workers, ...lightProcesses].map(
      (worker) =>
        new Promise((resolve) => {
          if (worker.exitCode !== null || worker.signalCode !== null) return resolve(undefined)
          worker.once('exit', resolve)
          if (worker.connected) worker.send({ type: 'stop' } satisfies ToWorker & ToLight)
          setTimeout(() => worker.kill('SIGKILL'), 15_000).unref()
        }),
    ),
  )
  if (process.env.SCALE_DIAG !== undefined)
    for (const relay of relays) {
      const text = await fetch(`${relay.httpUrl}/metrics`)
        .then((r) => r.text())
        .catch(() => '')
      console.error(
        text
          .split('\n')
          .filter(
            (line) =>
              line.startsWith('ghost_relay_refused') || line.startsWith('ghost_relay_peers'),
          )
          .join('\n'),
      )
    }
  background?.stop()
  await Promise.all(relays.map((relay) => relay.stop()))
  if (process.env.SCALE_DIAG !== undefined) for (const relay of relays) console.error(relay.output)
}
printTable(
  `Ghost Threads, a crowd in one ${INVITE === undefined ? '' : 'private '}room: ${PEERS} peers in ${WORKERS} worker processes${LIGHT > 0 ? ` and ${LIGHT} light members in ${LIGHT_WORKERS} processes, joining among them${RELAY_PER_MEMBER ? ', each holding one relay' : ''}` : ''}, ${RELAYS} relay process${RELAYS > 1 ? 'es' : ''} (meshed${FRESH_RELAYS ? ', just started: every newcomer asks a member for the posts' : `, up ${RELAY_HISTORY_WARMUP_MS / 1000} s before the first join`})${BACKGROUND_ROOMS > 0 ? ` also serving ${BACKGROUND_ROOMS.toLocaleString('en')} other rooms of ${BACKGROUND_MEMBERS} members` : ''}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  rows,
)
process.exit(0)
