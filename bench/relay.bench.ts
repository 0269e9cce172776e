/**
 * `npm run bench:relay` — one relay process's price list (issue 26): relay CPU per join as
 * the room grows, per member it holds, per presence and per delivery, and its memory per
 * member and per room. The load is light members (scale/light.ts: each its own libp2p
 * node, peer id and did:key, saying real signed claims, checking nothing) in processes at
 * nice 10, so that where the relay and its load both want the CPU the relay gets it and
 * runs out first. Posts into the whole room are stepped up in rate until delivery first
 * drops below 100% (`--members 100` measures a delivery where the load keeps up);
 * every step prints the load's CPU and event-loop delay beside the relay's, so a reader
 * sees which one was the limit. Prints its tables; targets are issue 26's.
 *
 *   --members 100,300,1000    the room grows to each size in turn (joins measured per step)
 *   --join-rate 20            joins per second
 *   --rates 20,50,100,200,400,800   posts per second into the full room, one step each
 *   --step-seconds 5          how long each rate is held
 *   --presence-rate 50        presences per second in the presence step
 *   --rooms 1000              small rooms of 2 members, for the memory of a room
 *   --load-processes <cores>  processes of light members
 *   SCALE_PROF=DIR            writes the relay's CPU profile there (open in Chrome DevTools)
 *   RELAY_HEAP=DIR            writes the relay's heap at the largest size there (where its memory goes)
 */
import './exit-on-signal.js'
import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { LAST_FOLLOW_UP_MS } from '../src/core/thread-catch-up.js'
import { RelayProcess } from '../test/helpers/relay-process.js'
import { BackgroundRooms } from './scale/background-rooms.js'
import { startMemberProcess } from './scale/member-process.js'
import { type ProcReading, readProc } from './scale/proc-stats.js'
import {
  type FromLight,
  type MembersReport,
  type Said,
  type ToLight,
  wallClockMs,
} from './scale/protocol.js'
import { atMost, percentile, printColumns } from './table.js'

const { values: flags } = parseArgs({
  options: {
    members: { type: 'string', default: '100,300,1000' },
    'join-rate': { type: 'string', default: '20' },
    rates: { type: 'string', default: '20,50,100,200,400,800' },
    'step-seconds': { type: 'string', default: '5' },
    'presence-rate': { type: 'string', default: '50' },
    rooms: { type: 'string', default: '1000' },
    'load-processes': { type: 'string', default: String(cpus().length) },
  },
})
const SIZES = flags.members.split(',').map(Number)
const JOIN_RATE = Number(flags['join-rate'])
const RATES = flags.rates.split(',').map(Number)
const STEP_MS = Number(flags['step-seconds']) * 1000
const PRESENCE_RATE = Number(flags['presence-rate'])
const ROOMS = Number(flags.rooms)
const LOAD_PROCESSES = Number(flags['load-processes'])
const MEMBERS = Math.max(...SIZES)

/** Issue 26's targets for one relay. */
const TARGET = { cpuPerJoinMs: 5, cpuPerDeliveryUs: 20, rssPerMemberKiB: 64 }
/** A member's follow-up questions are over this long after its join (thread-catch-up.ts). */
const FOLLOW_UPS_SETTLE_MS = LAST_FOLLOW_UP_MS + 1_000
/** Each size is held this long, idle, for the cost of the members held. */
const IDLE_MS = 10_000
/** A post counts as delivered when every other member has it within this time. */
const DELIVERY_LIMIT_MS = 10_000
/** Load processes that do not report in this long are reported as such. */
const REPORT_LIMIT_MS = 10_000
/** Messages of a step are handed to the load processes this long before the first is due. */
const LEAD_MS = 1_500

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const failures: string[] = []
let stopping = false

const [started] = await RelayProcess.startMeshed(1, {
  args: ['--max-reservations-per-ip', String(MEMBERS + ROOMS + 100)],
  heapSnapshots: process.env.RELAY_HEAP !== undefined,
  ...(process.env.SCALE_PROF === undefined
    ? {}
    : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.SCALE_PROF}`] }),
})
if (started === undefined) throw new Error('no relay started')
const relay: RelayProcess = started
const relayPid = relay.pid as number
const loads: ChildProcess[] = []
const reports: MembersReport[] = []
const joinedAt = new Map<number, number>()
const dialMs = new Map<number, number>()

async function until(condition: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs
  while (!condition() && Date.now() < deadline) await sleep(100)
  return condition()
}

/** Every load process's report, asked for now (undefined when one did not answer in time). */
async function reportAll(): Promise<MembersReport[] | undefined> {
  reports.length = 0
  const live = loads.filter((child) => child.connected)
  for (const child of live) child.send({ type: 'report' } satisfies ToLight)
  const all = await until(() => reports.length >= live.length, REPORT_LIMIT_MS)
  return all ? [...reports] : undefined
}

/** The load processes' CPU together, in % of one core. */
const loadCpuMs = () => loads.reduce((sum, child) => sum + readProc(child.pid as number).cpuMs, 0)

/** What a stretch of the run cost, from one reading at its end. */
interface Cost {
  /** Relay CPU-ms spent, the idle pace given to `end` taken away. */
  relayMs: number
  relayPercent: number
  /** The kernel's share of the relay's CPU (its sockets). */
  kernelShare: number
  loadPercent: number
  ms: number
}

/** A stretch of the run: the relay's CPU and the load's, from its start to `end()`. */
class Window {
  private readonly relay: ProcReading = readProc(relayPid)
  private readonly loadMs = loadCpuMs()

  end(idlePerMs = 0): Cost {
    const now = readProc(relayPid)
    const ms = Math.max(1, now.atMs - this.relay.atMs)
    const cpuMs = now.cpuMs - this.relay.cpuMs
    return {
      relayMs: cpuMs - idlePerMs * ms,
      relayPercent: (100 * cpuMs) / ms,
      kernelShare: (now.systemMs - this.relay.systemMs) / Math.max(1, cpuMs),
      loadPercent: (100 * (loadCpuMs() - this.loadMs)) / ms,
      ms,
    }
  }
}

const worstLag = (from: MembersReport[] | undefined) =>
  from === undefined ? 'n/a' : `${Math.round(Math.max(...from.map((r) => r.lagP99Ms)))} ms`
const fmt = (value: number, digits = 0) =>
  Number.isNaN(value) ? 'n/a' : value.toLocaleString('en', { maximumFractionDigits: digits })

const joinRows: string[][] = []
const deliveryRows: string[][] = []
const priceRows: string[][] = []
const price = (what: string, value: number, unit: string, target = 0, digits = 1) => {
  const judged = atMost(Number(value.toFixed(digits)), target, unit)
  priceRows.push([what, judged.result, judged.target, judged.verdict])
}

/** Where the relay's memory is, by Node's own account (its /metrics). */
interface Memory {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
}

async function memoryOf(): Promise<Memory> {
  const [rss, heapUsed, heapTotal, external] = await Promise.all(
    [
      'ghost_relay_process_resident_memory_bytes',
      'ghost_relay_nodejs_heap_size_used_bytes',
      'ghost_relay_nodejs_heap_size_total_bytes',
      'ghost_relay_nodejs_external_memory_bytes',
    ].map((series) => relay.metric(series)),
  )
  return {
    rss: rss ?? 0,
    heapUsed: heapUsed ?? 0,
    heapTotal: heapTotal ?? 0,
    external: external ?? 0,
  }
}

const memoryRows: string[][] = []
function memoryRow(size: number, now: Memory, empty: Memory): string[] {
  const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`
  const each = (key: keyof Memory) =>
    size === 0 ? '' : ` (${fmt((now[key] - empty[key]) / size / 1024, 1)} KiB/member)`
  return [
    String(size),
    mib(now.rss) + each('rss'),
    mib(now.heapUsed) + each('heapUsed'),
    mib(now.heapTotal) + each('heapTotal'),
    mib(now.external) + each('external'),
    mib(now.rss - now.heapTotal - now.external),
  ]
}

/** Posts numbered from here on, over the whole run (each step's arrivals are told apart by number). */
let postNumber = 0
/** The lowest relay CPU per delivery of a step delivered in full, over every size. */
let bestUs = Number.NaN

/**
 * Posts into the room as it is now, stepped up in rate until delivery first drops below
 * 100% (every other member within DELIVERY_LIMIT_MS); one row per step.
 */
async function stepPosts(idlePerMs: number): Promise<void> {
  const members = [...joinedAt.keys()].sort((a, b) => a - b)
  const receivers = members.length - 1
  for (const rate of RATES) {
    const count = Math.round((rate * STEP_MS) / 1000)
    const startMs = wallClockMs() + LEAD_MS
    const say: Said[] = Array.from({ length: count }, (_, k) => ({
      member: members[(postNumber + k) % members.length] as number,
      post: postNumber + k,
      atMs: startMs + (k * 1000) / rate,
      kind: 'chat',
    }))
    const first = postNumber
    postNumber += count
    for (const child of loads) child.send({ type: 'talk', say } satisfies ToLight)
    await sleep(LEAD_MS)
    const step = new Window()
    // Until every post reached every other member, or the limit after the last was due.
    let taken: MembersReport[] | undefined
    const delivered = () => {
      let arrivals = 0
      for (const report of taken ?? [])
        for (let i = first; i < first + count; i++)
          arrivals += (report.latencies[i] ?? []).filter((ms) => ms <= DELIVERY_LIMIT_MS).length
      return arrivals
    }
    await sleep(STEP_MS)
    const deadline = Date.now() + DELIVERY_LIMIT_MS
    do {
      await sleep(500)
      taken = await reportAll()
    } while (delivered() < count * receivers && Date.now() < deadline)
    const arrivals = delivered()
    const cost = step.end(idlePerMs)
    const us = (cost.relayMs * 1000) / Math.max(1, arrivals)
    const all = arrivals >= count * receivers
    if (all) bestUs = Number.isNaN(bestUs) ? us : Math.min(bestUs, us)
    const delays = (taken ?? []).flatMap((report) =>
      Array.from({ length: count }, (_, j) => report.latencies[first + j] ?? []).flat(),
    )
    deliveryRows.push([
      `${rate}/s × ${receivers}`,
      `${fmt((100 * arrivals) / (count * receivers), 2)}%`,
      `${fmt(percentile(delays, 50))} / ${fmt(percentile(delays, 99))} ms`,
      arrivals === 0 ? 'n/a' : `${fmt(us, 1)} µs`,
      `${fmt(cost.relayPercent)}% (${fmt(100 * cost.kernelShare)}% kernel) / ${fmt(cost.loadPercent)}%, ${worstLag(taken)}`,
    ])
    if (!all) break
    // What is still in flight settles before the next step is measured.
    await sleep(LEAD_MS)
  }
}

try {
  for (let p = 0; p < LOAD_PROCESSES; p++)
    loads.push(
      await startMemberProcess<FromLight>('light.ts', {
        lowPriority: true,
        onMessage: (message) => {
          if (message.type === 'joined') {
            joinedAt.set(message.peer, message.atMs)
            dialMs.set(message.peer, message.dialMs)
          }
          if (message.type === 'failed') failures.push(`member ${message.peer}: ${message.error}`)
          if (message.type === 'report') reports.push(message)
        },
        onExit: (why) => {
          if (!stopping) failures.push(`a load process exited (${why})`)
        },
      }),
    )
  // The relay with nothing on it: the memory and CPU the prices are counted from.
  await sleep(3_000)
  const empty = new Window()
  await sleep(IDLE_MS / 2)
  const emptyCost = empty.end()
  const emptyPerMs = emptyCost.relayMs / emptyCost.ms
  let idlePerMs = emptyPerMs
  const emptyMemory = await memoryOf()
  memoryRows.push(memoryRow(0, emptyMemory, emptyMemory))
  let joinedBefore = 0
  let perMemberIdleUs = Number.NaN
  let rssPerMember = Number.NaN
  const perJoin: number[] = []

  for (const size of SIZES) {
    // Members [joinedBefore, size) join one every 1 / JOIN_RATE s from a second from now.
    const gapMs = 1000 / JOIN_RATE
    const epochMs = wallClockMs() + 1_000 - joinedBefore * gapMs
    const joining = new Window()
    const answersBefore = await relay.metric(
      'ghost_relay_backlog_answer_bytes_total{room="public"}',
    )
    loads.forEach((child, p) => {
      const members = []
      for (let k = joinedBefore; k < size; k++) if (k % LOAD_PROCESSES === p) members.push(k)
      child.send({
        type: 'join',
        relays: [relay.address],
        relayPerMember: false,
        space: 'relay-bench',
        room: 'crowd',
        members,
        epochMs,
        gapMs,
      } satisfies ToLight)
    })
    const joins = size - joinedBefore
    await until(() => joinedAt.size + failures.length >= size, (joins / JOIN_RATE) * 1000 + 60_000)
    await sleep(FOLLOW_UPS_SETTLE_MS)
    const joinCost = joining.end(idlePerMs)
    const joinMs = joinCost.relayMs / Math.max(1, joins)
    perJoin.push(joinMs)
    const answerBytes =
      (await relay.metric('ghost_relay_backlog_answer_bytes_total{room="public"}')) - answersBefore
    const dials = [...dialMs].filter(([k]) => k >= joinedBefore).map(([, ms]) => ms)
    const joinedNow = [...joinedAt.keys()].filter((k) => k >= joinedBefore).length
    const joinLag = worstLag(await reportAll())

    const idle = new Window()
    await sleep(IDLE_MS)
    const idleCost = idle.end()
    const idleLag = worstLag(await reportAll())
    idlePerMs = idleCost.relayMs / idleCost.ms
    // CPU-ms per wall-ms over the empty relay's, as CPU-µs per second per member.
    perMemberIdleUs = ((idlePerMs - emptyPerMs) * 1e6) / Math.max(1, joinedAt.size)
    const memory = await memoryOf()
    rssPerMember = (memory.rss - emptyMemory.rss) / Math.max(1, joinedAt.size)
    joinRows.push([
      `${joinedBefore} → ${size}`,
      `${joinedNow}/${joins}`,
      `${fmt(percentile(dials, 50))} / ${fmt(percentile(dials, 99))} ms`,
      `${fmt(joinMs, 1)} ms`,
      `${fmt(answerBytes / Math.max(1, joinedNow) / 1024, 1)} KiB`,
      `${fmt(joinCost.relayPercent)}% (${fmt(100 * joinCost.kernelShare)}% kernel) / ${fmt(joinCost.loadPercent)}%, ${joinLag}`,
      `${fmt(idleCost.relayPercent)}% / ${fmt(idleCost.loadPercent)}%, ${idleLag}`,
      `${fmt(perMemberIdleUs, 1)} µs/s`,
      `${fmt(rssPerMember / 1024, 1)} KiB`,
    ])
    joinedBefore = size
    memoryRows.push(memoryRow(size, memory, emptyMemory))
    if (size === MEMBERS && process.env.RELAY_HEAP !== undefined)
      writeFileSync(
        join(process.env.RELAY_HEAP, `relay-${size}-members.heapsnapshot`),
        await relay.heapSnapshot(),
      )
  }
  // Posts once the room is whole: stepped at a smaller size first, their queues held the
  // relay's memory up and spoiled the memory rows of the sizes after (1.6 MiB a member).
  await stepPosts(idlePerMs)

  const members = [...joinedAt.keys()].sort((a, b) => a - b)
  const receivers = members.length - 1
  // Presences out of turn, at PRESENCE_RATE: what each costs the relay, fan-out included.
  const presences = Math.round((PRESENCE_RATE * STEP_MS) / 1000)
  const presenceStart = wallClockMs() + LEAD_MS
  const beats: Said[] = Array.from({ length: presences }, (_, k) => ({
    member: members[k % members.length] as number,
    post: -1,
    atMs: presenceStart + (k * 1000) / PRESENCE_RATE,
    kind: 'presence',
  }))
  for (const child of loads) child.send({ type: 'talk', say: beats } satisfies ToLight)
  await sleep(LEAD_MS)
  const beating = new Window()
  await sleep(STEP_MS + 2_000)
  const perPresenceMs = beating.end(idlePerMs).relayMs / presences

  // Many small rooms: what a room costs in memory.
  const beforeRooms = (await memoryOf()).rss
  const rooms = await BackgroundRooms.start([relay], ROOMS, 2, failures)
  await sleep(5_000)
  const perRoom = ((await memoryOf()).rss - beforeRooms) / ROOMS
  rooms.stop()

  const largest = perJoin.at(-1) ?? Number.NaN
  price(
    `relay CPU per join, into ${joinedBefore - (SIZES.at(-2) ?? 0)} joins to ${joinedBefore} members (largest step)`,
    largest,
    'ms',
    TARGET.cpuPerJoinMs,
  )
  price(
    'relay CPU per join: largest step ÷ first step (flat = 1)',
    largest / (perJoin[0] ?? Number.NaN),
    '×',
  )
  price(
    `relay CPU per delivery (posts; lowest of the steps delivered in full)`,
    bestUs,
    'µs',
    TARGET.cpuPerDeliveryUs,
  )
  price(
    `relay CPU per presence, ${receivers} members receiving (per delivery: ${fmt((perPresenceMs * 1000) / Math.max(1, receivers), 1)} µs)`,
    perPresenceMs,
    'ms',
  )
  price(`relay CPU per member held, idle, at ${members.length}`, perMemberIdleUs, 'µs per second')
  price(
    `relay RSS per member at ${members.length} (all it holds over the empty relay)`,
    rssPerMember / 1024,
    'KiB',
    TARGET.rssPerMemberKiB,
  )
  price(`relay RSS per room (${ROOMS} rooms of 2 members)`, perRoom / 1024, 'KiB')
} finally {
  stopping = true
  await Promise.all(
    loads.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined)
          child.once('exit', resolve)
          if (child.connected) child.send({ type: 'stop' } satisfies ToLight)
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
        }),
    ),
  )
  await relay.stop()
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`
const load = `${MEMBERS} light members in ${LOAD_PROCESSES} processes at nice 10`
printColumns(
  `bench:relay — joins and members held: one relay process, ${load}, joining at ${JOIN_RATE}/s, ${machine}`,
  [
    'room grows',
    'joined',
    'dial p50 / p99',
    'relay CPU per join',
    'answers per join',
    'CPU joining: relay (kernel) / load, load delay p99',
    'CPU idle after: relay / load, load delay p99',
    'relay CPU per member, idle',
    'relay RSS per member',
  ],
  joinRows,
)
printColumns(
  'bench:relay — posts into the whole room, stepped until delivery drops below 100% (within 10 s)',
  [
    'posts/s × receivers',
    'delivered',
    'post → member p50 / p99',
    'relay CPU per delivery',
    'CPU: relay (kernel) / load, load delay p99',
  ],
  deliveryRows,
)
printColumns(
  "bench:relay — the relay's memory by Node's account, idle at each size (per member: over the empty relay)",
  ['members', 'RSS', 'JS heap used', 'JS heap reserved', 'external (buffers)', 'RSS outside both'],
  memoryRows,
)
printColumns('bench:relay — the price list', ['price', 'measured', 'target', 'ok?'], priceRows)
if (failures.length > 0) console.log(`\nFailures: ${failures.slice(0, 5).join('; ')}`)
process.exit(0)
