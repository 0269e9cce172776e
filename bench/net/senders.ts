/**
 * The sustained-rate benchmark's senders, in a process of their own: `clients` Ghost
 * Threads nodes on the relay, each its own client of it and none past the relay's
 * per-client rate, sending `perSecond` pre-signed posts in all for `seconds`. In the
 * benchmark's own process, 23 nodes and the receiver shared one event loop and the harness
 * reached 719 of the 1,000 a second it offered (issue 22): the harness, not the relay.
 *
 * Run by net.bench.ts: `tsx bench/net/senders.ts <relay> <room> <clients> <perSecond> <seconds>`.
 * Prints `ready` once every node serves the room, waits for a line on stdin, sends, and
 * prints `sent <count> in <ms> cpu <ms>` (its CPU time from the start); then exits.
 */
import { createInterface } from 'node:readline'
import { topicFor } from '../../src/core/room-name.js'
import { createAuthors, joinRoom, presign, SPACE, sleep, startPeer, until } from './peers.js'

const [relay, room, clientsText, rateText, secondsText] = process.argv.slice(2)
if (relay === undefined || room === undefined)
  throw new Error('usage: senders.ts <relay> <room> <clients> <perSecond> <seconds>')
const clients = Number(clientsText)
const perSecond = Number(rateText)
const count = perSecond * Number(secondsText)

const nodes = await Promise.all(Array.from({ length: clients }, () => startPeer(relay)))
const topic = topicFor(SPACE, room)
await Promise.all(nodes.map((node) => joinRoom(node, room)))
await until(() => nodes.every((node) => node.transport.subscribers(topic).length > 0), 10_000)
await sleep(1_200) // a gossipsub heartbeat: every sender is in the relay's mesh
const authors = await createAuthors(Math.max(50, Math.ceil(count / 40)))
const messages = await presign(authors, room, count, 'rate')
console.log('ready')
await new Promise<void>((resolve) =>
  createInterface({ input: process.stdin }).once('line', () => resolve()),
)

const tickMs = 10
const perTick = (perSecond * tickMs) / 1000
const start = performance.now()
const cpuAtStart = process.cpuUsage()
for (let sent = 0; sent < count; ) {
  const due = Math.min(count, Math.floor(((performance.now() - start) / tickMs + 1) * perTick))
  const batch: Promise<unknown>[] = []
  // Message i goes out from sender i mod n: each carries perSecond / n.
  while (sent < due) {
    const node = nodes[sent % nodes.length]
    const data = messages[sent++]
    if (node !== undefined && data !== undefined) batch.push(node.transport.publish(topic, data))
  }
  await Promise.all(batch)
  await sleep(tickMs)
}
// Let the last frames leave before the nodes hang up; then say what sending cost (our own
// CPU: the benchmark cannot read /proc once we are gone).
await sleep(2_000)
const cpu = process.cpuUsage(cpuAtStart)
console.log(
  `sent ${count} in ${Math.round(performance.now() - start - 2_000)} cpu ${Math.round((cpu.user + cpu.system) / 1000)}`,
)
await Promise.all(nodes.map((node) => node.stop()))
process.exit(0)
