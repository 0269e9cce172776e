/**
 * One worker process of `bench:scale`: real Ghost Threads peers (`startGhostNode`, no
 * WebRTC), joining one room at the times the coordinator gives, then posting and timing
 * every post they receive. Spread over one process per core so that the peers, not one
 * event loop, are what is measured.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks'
import {
  createSeedIdentity,
  ENVELOPE_VERSION,
  type GhostThread,
  generateSeed,
} from '../../src/core/index.js'
import { type GhostNode, startGhostNode } from '../../src/net/ghost-node.js'
import { type FromWorker, relaysOf, SCALE_TAG, type ToWorker, wallClockMs } from './protocol.js'

const nodes: GhostNode[] = []
const threads = new Map<number, { node: GhostNode; thread: GhostThread }>()
const latencies: Record<number, number[]> = {}
/** Bytes of the messages each peer took in, by type (each message once: gossipsub drops copies first). */
const bytesByType: Record<string, number> = {}
/** Every this many posts, one member reacts (what a lively room does). */
const REACT_EVERY = 5
const lag = monitorEventLoopDelay({ resolution: 10 })
lag.enable()

/** Counts what the room's validator sees, by the JWT's type, then lets it decide. */
function countIncoming(node: GhostNode, topic: string): void {
  const pubsub = node.libp2p.services.pubsub as unknown as {
    topicValidators: Map<string, (peer: unknown, message: { data: Uint8Array }) => Promise<unknown>>
  }
  const validate = pubsub.topicValidators.get(topic)
  if (validate === undefined) return
  pubsub.topicValidators.set(topic, async (peer, message) => {
    const type = typeOf(message.data)
    bytesByType[type] = (bytesByType[type] ?? 0) + message.data.length
    return validate(peer, message)
  })
}

/** A message's type as its JWT says; a private room's envelope says nothing, by design. */
function typeOf(data: Uint8Array): string {
  if (data[0] === ENVELOPE_VERSION) return 'sealed'
  try {
    const payload = new TextDecoder().decode(data).split('.')[1] ?? ''
    return String(JSON.parse(Buffer.from(payload, 'base64url').toString()).type)
  } catch {
    return 'other'
  }
}

function send(message: FromWorker): void {
  process.send?.(message)
}

function sleepUntil(atMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - wallClockMs())))
}

async function joinOne(peer: number, init: Extract<ToWorker, { type: 'join' }>): Promise<void> {
  await sleepUntil(init.epochMs + peer * init.gapMs)
  try {
    const dialStart = wallClockMs()
    const node = await startGhostNode({
      relays: relaysOf(init, peer),
      webrtc: false,
      identity: createSeedIdentity(generateSeed()),
    })
    const relayReached = whenRelayConnected(node)
    nodes.push(node)
    const space = await node.ghost.openSpace('scale')
    const invite = init.invite === undefined ? {} : { invite: init.invite }
    const thread = await space.joinThread(init.room, { ghost: true, ...invite })
    threads.set(peer, { node, thread })
    countIncoming(node, thread.topic)
    const dialMs = (await relayReached) - dialStart
    send({ type: 'joined', peer, atMs: wallClockMs(), dialMs })
    thread.on('message', (post) => {
      const body = post.message as { tag?: unknown; i?: unknown; at?: unknown }
      if (body?.tag !== SCALE_TAG || typeof body.i !== 'number' || typeof body.at !== 'number')
        return
      if (post.author === thread.did) return
      // Every REACT_EVERY-th post gets a reaction, from one member chosen by its number.
      if (body.i % REACT_EVERY === 0 && (body.i * 13 + 1) % init.roomSize === peer)
        void thread.react(post.postId, '👍').catch(() => undefined)
      const delays = latencies[body.i] ?? []
      delays.push(wallClockMs() - body.at)
      latencies[body.i] = delays
    })
    // Converged once this peer lists everyone; polled, as a dapp's member list would be.
    const watch = setInterval(async () => {
      if (!thread.isOpen) return clearInterval(watch)
      if ((await thread.listMembers()).length >= init.roomSize) {
        clearInterval(watch)
        send({ type: 'converged', peer, atMs: wallClockMs() })
      }
    }, 100)
  } catch (err) {
    send({ type: 'failed', peer, error: (err as Error).message })
  }
}

/** When the node first held a relay connection: how long a member waits for its way in. */
async function whenRelayConnected(node: GhostNode): Promise<number> {
  const deadline = wallClockMs() + 60_000
  while (node.relays.connected().length === 0 && wallClockMs() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 25))
  return wallClockMs()
}

async function postAll(posts: Extract<ToWorker, { type: 'post' }>['posts']): Promise<void> {
  for (const { peer, post, atMs } of posts) {
    await sleepUntil(atMs)
    const thread = threads.get(peer)?.thread
    // Its author typed it first (a signal, unless several others type already).
    await thread?.typing().catch(() => false)
    // A post that cannot be sent counts as undelivered everywhere; nothing to report here.
    await thread?.post({ tag: SCALE_TAG, i: post, at: wallClockMs() }).catch(() => undefined)
  }
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'join':
      for (const peer of message.peers) void joinOne(peer, message)
      break
    case 'post':
      void postAll(message.posts)
      break
    case 'report':
      void Promise.all([...threads.values()].map(({ thread }) => thread.listMembers())).then(
        (lists) => {
          const counts = lists.map((members) => members.length)
          if (process.env.SCALE_DIAG !== undefined) diagnose(counts)
          send({
            type: 'report',
            latencies,
            members: counts,
            bytesByType: { ...bytesByType },
            lagP99Ms: lag.percentile(99) / 1e6,
          })
          lag.reset()
        },
      )
      break
    case 'stop':
      void Promise.all(nodes.map((node) => node.stop().catch(() => undefined))).then(() => {
        send({ type: 'stopped' })
        process.exit(0)
      })
      break
  }
})
// The harness is gone (stopped by a signal, or crashed): so is this process.
process.once('disconnect', () => process.exit(0))
send({ type: 'ready' })

/** SCALE_DIAG=1: what the peers that list fewest members see of the network. */
function diagnose(counts: number[]): void {
  const entries = [...threads.entries()].map(([peer, held], i) => ({
    peer,
    ...held,
    count: counts[i] ?? 0,
  }))
  entries.sort((a, b) => a.count - b.count)
  for (const { peer, thread, count, node } of entries.slice(0, 3)) {
    const pubsub = node.libp2p.services.pubsub as unknown as {
      getMeshPeers(t: string): string[]
    }
    const connections = node.libp2p.getConnections()
    const gossip = connections
      .map((c) =>
        c.streams
          .filter((stream) => stream.protocol.startsWith('/meshsub/'))
          .map((stream) => stream.direction[0])
          .join(''),
      )
      .join('|')
    const keeper = node.relays as unknown as {
      relays: Map<string, { active: boolean; failures: number; retryAtMs: number }>
      timers: Map<string, unknown>
    }
    console.error(
      'KEEPER',
      [...keeper.relays.entries()]
        .map(
          ([key, r]) =>
            `${key.slice(-6)} active=${r.active} failures=${r.failures} retryIn=${r.retryAtMs - Date.now()} timer=${keeper.timers.has(key)}`,
        )
        .join(' | '),
    )
    console.error(
      `peer ${peer}: lists ${count}; connections ${connections.length} (relayed ${connections.filter((c) => c.limits !== undefined).length}); relays ${node.relays.connected().length}; subscribers ${node.transport.subscribers(thread.topic).length}; mesh ${pubsub.getMeshPeers(thread.topic).length}; queued ${node.transport.queue.size}; gossip streams ${gossip}`,
    )
  }
}
