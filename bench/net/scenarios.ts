/**
 * The network benchmark's measurements. Each returns raw samples; net.bench.ts turns them
 * into the table. All peers talk through the relay child process on 127.0.0.1.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { GhostNode } from '../../src/net/ghost-node.js'
import { endWithUs } from '../../tools/end-with-us.js'
import { createAuthors, indexOf, joinRoom, presign, sleep, startPeer, until } from './peers.js'

const SENDERS = resolve(import.meta.dirname, 'senders.ts')

/**
 * Join → `user-joined` at the member already there, and join → the room's three earlier
 * posts at the newcomer. Those come in a `backlog-received`, or some of them earlier as
 * `message`s when gossipsub's own gossip (IHAVE/IWANT of the last seconds) wins the race:
 * the core delivers each post once either way, so we time the last one to arrive.
 */
export async function joinLatencies(
  observer: GhostNode,
  joiner: GhostNode,
  trials: number,
): Promise<{ joined: number[]; backlog: number[] }> {
  const joined: number[] = []
  const backlog: number[] = []
  for (let trial = 0; trial < trials; trial++) {
    const room = `join-${trial}`
    const there = await joinRoom(observer, room)
    await until(() => observer.transport.subscribers(there.topic).length > 0, 5_000)
    for (let i = 0; i < 3; i++) await there.post(`backlog ${i}`)
    let joinedAt: number | undefined
    let backlogAt: number | undefined
    let earlierPosts = 0
    there.on('user-joined', () => {
      joinedAt ??= performance.now()
    })
    const start = performance.now()
    const thread = await joinRoom(joiner, room)
    const arrived = (count: number): void => {
      earlierPosts += count
      if (earlierPosts >= 3) backlogAt ??= performance.now()
    }
    thread.on('backlog-received', (event) => arrived(event.message.length))
    thread.on('message', () => arrived(1))
    await until(() => joinedAt !== undefined && backlogAt !== undefined, 5_000)
    if (joinedAt !== undefined) joined.push(joinedAt - start)
    if (backlogAt !== undefined) backlog.push(backlogAt - start)
    await Promise.all([there.close(), thread.close()])
  }
  return { joined, backlog }
}

/** One-way latency of `count` posts from one peer to another, paced at `perSecond`. */
export async function postLatencies(
  sender: GhostNode,
  receiver: GhostNode,
  room: string,
  count: number,
  perSecond: number,
): Promise<{ latencies: number[]; lost: number }> {
  const authors = await createAuthors(Math.ceil(count / 40))
  const [from, to] = [await joinRoom(sender, room), await joinRoom(receiver, room)]
  await until(() => sender.transport.subscribers(from.topic).length > 0, 5_000)
  await sleep(1_200) // a gossipsub heartbeat: both peers are in the relay's mesh
  const messages = await presign(authors, room, count, 'latency')
  const sentAt = new Array<number>(count)
  const latencies: number[] = []
  to.on('message', (post) => {
    const i = indexOf(post.message, 'latency')
    if (i !== undefined) latencies.push(performance.now() - (sentAt[i] as number))
  })
  const gapMs = 1000 / perSecond
  const start = performance.now()
  for (const [i, data] of messages.entries()) {
    const due = start + i * gapMs
    while (performance.now() < due) await sleep(Math.max(0, due - performance.now()))
    sentAt[i] = performance.now()
    await sender.transport.publish(from.topic, data)
  }
  await until(() => latencies.length === count, 5_000)
  await Promise.all([from.close(), to.close()])
  return { latencies, lost: count - latencies.length }
}

/** `peers` peers in one room; `count` posts, each from the next peer, each to all others. */
export async function roomLatencies(
  relay: string,
  peers: number,
  count: number,
  /** The relay's process, whose CPU the posts cost is read; a private room's invite. */
  options: { relayPid: number; invite?: string; settleMs?: number },
): Promise<RoomRun> {
  const started = performance.now()
  const nodes = await Promise.all(Array.from({ length: peers }, () => startPeer(relay)))
  const room = options.invite === undefined ? 'big-room' : 'private-room'
  const threads = await Promise.all(nodes.map((node) => joinRoom(node, room, options.invite)))
  await until(() => threads.every((thread) => thread.memberPeers().length === peers - 1), 20_000)
  const meshedMs = performance.now() - started
  await sleep(options.settleMs ?? 1_200)
  const sentAt = new Array<number>(count)
  const latencies: number[] = []
  const cpuBefore = cpuMsOf(options.relayPid)
  const thisBefore = process.cpuUsage()
  for (const thread of threads)
    thread.on('message', (post) => {
      const i = indexOf(post.message, 'room')
      if (i !== undefined && post.author !== thread.did)
        latencies.push(performance.now() - (sentAt[i] as number))
    })
  for (let i = 0; i < count; i++) {
    sentAt[i] = performance.now()
    await threads[i % peers]?.post({ tag: 'room', i })
    await sleep(20)
  }
  const expected = count * (peers - 1)
  await until(() => latencies.length >= expected, 5_000)
  const relayCpuMs = cpuMsOf(options.relayPid) - cpuBefore
  const used = process.cpuUsage(thisBefore)
  await Promise.all(nodes.map((node) => node.stop()))
  return {
    latencies,
    lost: expected - latencies.length,
    expected,
    meshedMs,
    relayCpuMsPerPost: relayCpuMs / count,
    peersCpuMsPerPost: (used.user + used.system) / 1000 / count,
  }
}

export interface RoomRun {
  latencies: number[]
  lost: number
  expected: number
  meshedMs: number
  /** CPU the relay process spent per post while the room talked (forwarding it 19 ways). */
  relayCpuMsPerPost: number
  /** CPU the peers (this process) spent per post: sealing, opening, checking, 19 receivers. */
  peersCpuMsPerPost: number
}

/**
 * Sends `perSecond` signed messages for `seconds` from `clients` senders in a process of
 * their own (senders.ts: each its own client of the relay, none past the relay's
 * per-client rate, as a busy room's members), and counts what arrives at the receiver.
 * From one client everything past 100/s is dropped by design, and with the senders in
 * this process the harness ran out first (issue 22).
 */
export interface SustainedRun {
  sent: number
  received: number
  achieved: number
  /** CPU each process used while the posts were sent and received, in % of one core. */
  cpu: { relay: number; senders: number; receiver: number }
  /** Relay CPU per message: what one relay core costs per post it validated and forwarded. */
  relayUsPerMessage: number
}

/** CPU time of a process so far (ms), from /proc: user + system. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000
}

export async function sustainedRate(
  relay: string,
  relayPid: number,
  receiver: GhostNode,
  clients: number,
  perSecond: number,
  seconds: number,
): Promise<SustainedRun> {
  const room = `rate-${perSecond}`
  const count = perSecond * seconds
  const to = await joinRoom(receiver, room)
  const seen = new Set<number>()
  to.on('message', (post) => {
    const i = indexOf(post.message, 'rate')
    if (i !== undefined) seen.add(i)
  })
  const senders = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--no-warnings',
      SENDERS,
      relay,
      room,
      String(clients),
      String(perSecond),
      String(seconds),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'], detached: true },
  )
  // Listened for from the start: the senders may exit while we still count arrivals, and
  // a listener added after that waits forever (bench:net hung there once the relay sped up).
  const exited = new Promise((resolve) => senders.once('exit', resolve))
  // Its own process group, ended with us however we end.
  const end = endWithUs(senders, { group: true })
  try {
    const lines = createInterface({ input: senders.stdout as NodeJS.ReadableStream })
    const said = (prefix: string) =>
      new Promise<string>((resolve, reject) => {
        lines.on('line', (line) => line.startsWith(prefix) && resolve(line))
        senders.once('exit', (code) => reject(new Error(`the senders exited (${code})`)))
      })
    await said('ready')
    const before = { atMs: Date.now(), relay: cpuMsOf(relayPid), receiver: process.cpuUsage() }
    senders.stdin?.write('go\n')
    const done = await said('sent ')
    const sendMs = Number(done.split(' ')[3])
    await until(() => seen.size === count, 10_000)
    const spentMs = Date.now() - before.atMs
    const receiverUs = process.cpuUsage(before.receiver)
    const relayMs = cpuMsOf(relayPid) - before.relay
    const cpu = {
      relay: Math.round((100 * relayMs) / spentMs),
      senders: Math.round((100 * Number(done.split(' ')[5])) / spentMs),
      receiver: Math.round((receiverUs.user + receiverUs.system) / 10 / spentMs),
    }
    await exited
    return {
      sent: count,
      received: seen.size,
      achieved: Math.round((count / sendMs) * 1000),
      cpu,
      relayUsPerMessage: Math.round((relayMs * 1000) / count),
    }
  } finally {
    end()
    await to.close()
  }
}
