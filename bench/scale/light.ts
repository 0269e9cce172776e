/**
 * Light members of `bench:scale --light N` (issue 26): what a member does on the wire, and
 * nothing a member does for itself. Each is its own raw libp2p node (plain libraries, as
 * an outsider would run one) with its own peer id and did:key; at its time a member's own
 * relay keeper (`net/relay-keeper.ts`) dials its relay, it subscribes, asks the relay for
 * the member list (and twice more for latecomers, as `thread-catch-up.ts` does), says
 * `join`, then beats presences paced by the room's size as it knows it (`nextHeartbeat`).
 * When its relay goes away the keeper moves it to another, where it asks for what it
 * missed and says `join` again, as a member's rejoin does. In a private room everything
 * it says is sealed and its questions are signed by the room key, as a member's are.
 *
 * What it does not do, so that the machine's CPU goes to the relays and the full members:
 * check any signature, answer anyone's backlog question, keep posts, type, react or mark
 * posts seen. Its node, keys and first question are made before its join is due, off the
 * clock; its join (whose ttl waits for the relay's answer, as a member's does) and its
 * presences are signed by Node's native Ed25519 as they go.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { peerIdFromString } from '@libp2p/peer-id'
import { base64url } from 'multiformats/bases/base64'
import { PRIVATE_BACKLOG_PROTOCOL } from '../../src/core/constants.js'
import { BACKLOG_PROTOCOL, DEFAULT_TIMINGS, signClaims } from '../../src/core/index.js'
import { peekPayload } from '../../src/core/jwt.js'
import { nextHeartbeat } from '../../src/core/presence-pacing.js'
import {
  decrypt,
  inviteSecret,
  type PrivateRoomKeys,
  privateRoomKeys,
  seal,
  signRoomRequest,
} from '../../src/core/private-room.js'
import { topicFor } from '../../src/core/room-name.js'
import { looksLikeDigest, readDigest } from '../../src/core/roster-digest.js'
import { followUpWaitsMs } from '../../src/core/thread-catch-up.js'
import { decodeUtf8, encodeUtf8 } from '../../src/core/utf8.js'
import { peerOf, RelayKeeper } from '../../src/net/relay-keeper.js'
import { sendRequest } from '../../src/net/stream-request.js'
import { type RawNode, rawGossipNode } from '../../test/helpers/raw-node.js'
import { nativeSigner } from './native-signer.js'
import {
  type FromLight,
  relayPlanOf,
  type Said,
  SCALE_TAG,
  type ToLight,
  wallClockMs,
} from './protocol.js'

/** How long before its join a member's first messages are signed (and sealed). */
const PREPARE_AHEAD_MS = 2_000
/** A relay that does not answer in this long is not waited for (as a member's request). */
const ASK_TIMEOUT_MS = 10_000
/** How long a member's relay keeper may dial before the member is counted as failed to join. */
const DIAL_LIMIT_MS = 60_000
/** How long a member waits for its relays to serve the room before it speaks anyway. */
const SERVING_TIMEOUT_MS = 10_000

const clients: RawNode[] = []
/** The members of this process that have joined, by index: who can be told to talk. */
const speakers = new Map<number, LightMember>()
/** Every member's relay keeper, stopped with the run. */
const keepers: RelayKeeper[] = []
let stopping = false
const latencies: Record<number, number[]> = {}
/** Per member, the DIDs it has heard claim a place in the room (its idea of the room's size). */
const known: Set<string>[] = []
/** Bytes the light members took in off the topic, by the type inside (as they came: sealed or not). */
const bytesByType: Record<string, number> = {}
const lag = monitorEventLoopDelay({ resolution: 10 })
lag.enable()

function send(message: FromLight): void {
  process.send?.(message)
}

const sleepUntil = (atMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - wallClockMs())))

/** The room as one light member speaks to it: its topic, and its seal when private. */
interface Room {
  topic: string
  keys?: PrivateRoomKeys
}

function roomOf(init: Extract<ToLight, { type: 'join' }>): Room {
  if (init.invite === undefined) return { topic: topicFor(init.space, init.room) }
  const keys = privateRoomKeys(inviteSecret(init.invite), init.space)
  return { topic: keys.topic, keys }
}

/** What goes on the room's topic: the JWT as it is, or sealed. */
async function wire(room: Room, jwt: string): Promise<Uint8Array> {
  const bytes = encodeUtf8(jwt)
  return room.keys === undefined ? bytes : seal(room.keys, bytes)
}

/** The JWT a message off the topic carries (opened, in a private room); unverified. */
function jwtOf(room: Room, data: Uint8Array): string | undefined {
  const bytes = room.keys === undefined ? data : decrypt(room.keys, data)
  return bytes === undefined ? undefined : decodeUtf8(bytes)
}

/**
 * The claims of a message off the topic, read once per process: every light member here
 * takes in the same message, and reading it 150 times over made this process, not the
 * relay, the machine's limit (a private room's 300: 112% of the cores, 124 ms event-loop
 * delay). Keyed by the envelope's random nonce, or the JWT's signature: unique to each.
 */
const opened = new Map<string, Record<string, unknown> | undefined>()
const OPENED_KEPT = 20_000

function claimsOf(room: Room, data: Uint8Array): Record<string, unknown> | undefined {
  const key = Buffer.from(
    room.keys === undefined ? data.subarray(-64) : data.subarray(1, 25),
  ).toString('base64')
  if (opened.has(key)) return opened.get(key)
  const jwt = jwtOf(room, data)
  const claims = jwt === undefined ? undefined : peekPayload(jwt)
  if (opened.size >= OPENED_KEPT) opened.clear()
  opened.set(key, claims)
  return claims
}

/**
 * A crowd room's digest (roster-digest.ts), as a member takes it from its relay: the
 * members who came are heard of (unchecked), and the count the relay says is the room's
 * size for the member's pace. Counted in the bytes as `digest`.
 */
function tookDigest(room: Room, data: Uint8Array, heard: Set<string>): void {
  bytesByType.digest = (bytesByType.digest ?? 0) + data.length
  // Keyed by length and two samples (hashing each member's copy whole stalled the process).
  const key = `${data.length}:${Buffer.from(data.subarray(-48)).toString('base64')}:${Buffer.from(data.subarray(data.length >> 1, (data.length >> 1) + 48)).toString('base64')}`
  if (!readDigests.has(key)) {
    if (readDigests.size >= OPENED_KEPT) readDigests.clear()
    const digest = readDigest(data, room.topic)
    readDigests.set(
      key,
      digest && {
        came: digest.joined.map((jwt) => String(peekPayload(jwt)?.iss)),
        ...(digest.crowd ? { members: digest.members } : {}),
      },
    )
  }
  const digest = readDigests.get(key)
  if (digest === undefined) return
  for (const did of digest.came) heard.add(did)
  crowdSize.set(heard, digest.members)
}

/** Digests read once per process (every member here takes in the same one), by their key. */
const readDigests = new Map<string, { came: string[]; members?: number } | undefined>()

/** Each member's room size as its relay says in a crowd room (by its set of heard DIDs). */
const crowdSize = new WeakMap<Set<string>, number | undefined>()
/** The room's size as a member knows it: its relay's count in a crowd, else those heard. */
const sizeOf = (heard: Set<string>) => Math.max(crowdSize.get(heard) ?? 0, heard.size)

/** One member's life: prepared, joined at its time, beating until the run stops. */
async function member(index: number, init: Extract<ToLight, { type: 'join' }>): Promise<void> {
  const room = roomOf(init)
  const joinAtMs = init.epochMs + index * init.gapMs
  await sleepUntil(joinAtMs - PREPARE_AHEAD_MS)
  const client = await rawGossipNode()
  clients.push(client)
  const signer = await nativeSigner()
  const peer = client.peerId.toString()
  const plan = relayPlanOf(init, index)
  const sign = async (claims: Record<string, unknown>) =>
    (await signClaims(signer, { room: room.topic, ...claims } as never, Date.now())).jwt
  const question = await backlogQuestion(room, sign, peer)
  const me: LightMember = {
    client,
    room,
    sign,
    peer,
    heard: new Set([signer.did]),
    seen: new Set(),
    relayIds: [],
    lastHeardS: 0,
    rejoining: false,
  }
  // The relay keeper a member runs (net/relay-keeper.ts): its own relay first, a spare
  // at random when that one goes away, and a rejoin once it holds one again.
  let first = true
  const keeper = new RelayKeeper(client, {
    relays: plan.relays,
    relaysPerPeer: plan.held,
    random: () => (first ? 0 : Math.random()),
    onReconnect: () => void rejoin(me, keeper),
  })
  first = false
  keepers.push(keeper)

  await sleepUntil(joinAtMs)
  const dialStart = wallClockMs()
  keeper.start()
  await holding(keeper, plan.held)
  const dialMs = wallClockMs() - dialStart
  me.relayIds = relayIdsOf(keeper)
  client.services.pubsub.addEventListener('message', (event) => {
    if (event.detail.topic !== room.topic) return
    me.lastHeardS = Math.floor(Date.now() / 1000)
    if (looksLikeDigest(event.detail.data)) {
      tookDigest(room, event.detail.data, me.heard)
      return
    }
    const claims = claimsOf(room, event.detail.data)
    if (claims === undefined) return
    const type = String(claims.type)
    bytesByType[type] = (bytesByType[type] ?? 0) + event.detail.data.length
    took(me, claims)
  })
  client.services.pubsub.subscribe(room.topic)
  await relaysServing(client, room.topic, me.relayIds)
  // As a member asks before its join: who is here, so that its join's ttl fits the room.
  const startedS = Math.floor(Date.now() / 1000)
  await ask(me, question)
  known.push(me.heard)
  await announce(me, 'join')
  send({ type: 'joined', peer: index, atMs: wallClockMs(), dialMs })
  // The follow-up questions a member asks its relays after its first, when a member does.
  for (const waitMs of followUpWaitsMs())
    setTimeout(async () => {
      if (stopping) return
      await ask(me, await backlogQuestion(room, sign, peer, startedS - 1))
    }, waitMs)
  beat(me)
  speakers.set(index, me)
}

/** A light member: what it is, who it has heard, and which relays it holds now. */
interface LightMember {
  client: RawNode
  room: Room
  sign: Sign
  peer: string
  /** The DIDs it has heard claim a place in the room (its idea of the room's size). */
  heard: Set<string>
  /** The run's posts it has (by number): one taken from gossip and a backlog counts once. */
  seen: Set<number>
  /** The relays it holds, as its presences name them. */
  relayIds: string[]
  /** When it last took in anything off the topic: a rejoin asks for what came after. */
  lastHeardS: number
  rejoining: boolean
}

/** What a member takes from a message off the topic (or an entry of a backlog answer). */
function took(me: LightMember, claims: Record<string, unknown>): void {
  if (claims.type === 'join' || claims.type === 'presence') me.heard.add(String(claims.iss))
  if (claims.type === 'chat') arrived(me, claims.message)
}

function presenceOf(me: LightMember, type: 'join' | 'presence' = 'presence') {
  const { ttlS } = nextHeartbeat(DEFAULT_TIMINGS, sizeOf(me.heard))
  return { type, peer: me.peer, relays: me.relayIds, ttl: ttlS }
}

/** Says `join` (or a presence), its ttl covering the pace the room's size sets. */
async function announce(me: LightMember, type: 'join' | 'presence'): Promise<void> {
  const jwt = await me.sign(presenceOf(me, type))
  await me.client.services.pubsub
    .publish(me.room.topic, await wire(me.room, jwt))
    .catch(() => undefined)
}

/**
 * Its relay went away and the keeper holds another: as `GhostThread.reannounce` does, wait
 * until the new relay serves the room, ask it what was said since this member last heard
 * anything, and say `join` again (the new relay never heard this member).
 */
async function rejoin(me: LightMember, keeper: RelayKeeper): Promise<void> {
  if (stopping || me.rejoining) return
  me.rejoining = true
  // What it heard last before the new relay's first message: posts that new relay
  // forwards while we wait for it to serve the room must not move the question on.
  const sinceS = me.lastHeardS - 1
  try {
    me.relayIds = relayIdsOf(keeper)
    await relaysServing(me.client, me.room.topic, me.relayIds)
    await ask(me, await backlogQuestion(me.room, me.sign, me.peer, sinceS))
    await announce(me, 'join')
  } finally {
    me.rejoining = false
  }
}

const relayIdsOf = (keeper: RelayKeeper) =>
  keeper.connected().map((address) => peerOf(address) ?? '')

/** Until the keeper holds `count` relays; a member that holds none by then failed to join. */
async function holding(keeper: RelayKeeper, count: number): Promise<void> {
  const deadline = Date.now() + DIAL_LIMIT_MS
  while (keeper.connected().length < count) {
    if (Date.now() > deadline || stopping) {
      keeper.stop()
      throw new Error(
        `held ${keeper.connected().length} of ${count} relays after ${DIAL_LIMIT_MS / 1000} s of dials`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * What `talk` asks of this process's members: each message signed at once (the harness
 * sends them ahead of their time), published at its `atMs`. A post carries its number and
 * time as the full members' posts do, so its arrivals are recorded the same way.
 */
async function talk(say: Said[]): Promise<void> {
  const ready = await Promise.all(
    say.map(async ({ member, post, atMs, kind }) => {
      const speaker = speakers.get(member)
      if (speaker === undefined) return undefined
      const claims =
        kind === 'chat'
          ? { type: 'chat', message: { tag: SCALE_TAG, i: post, at: atMs } }
          : presenceOf(speaker)
      const bytes = await wire(speaker.room, await speaker.sign(claims))
      return { speaker, bytes, atMs }
    }),
  )
  for (const entry of ready) {
    if (entry === undefined) continue
    const { speaker, bytes, atMs } = entry
    setTimeout(
      () => {
        if (stopping) return
        void speaker.client.services.pubsub
          .publish(speaker.room.topic, bytes)
          .catch(() => undefined)
      },
      Math.max(0, atMs - wallClockMs()),
    )
  }
}

/**
 * Until each relay is known to serve the topic (it subscribes once a client of it does), as
 * a member waits for its transport to be `receiving`: what is published before goes nowhere.
 */
async function relaysServing(client: RawNode, topic: string, relayIds: string[]): Promise<void> {
  const deadline = Date.now() + SERVING_TIMEOUT_MS
  const serving = () => {
    const subscribers = client.services.pubsub.getSubscribers(topic).map(String)
    return relayIds.every((relay) => subscribers.includes(relay))
  }
  while (!serving() && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50))
}

type Sign = (claims: Record<string, unknown>) => Promise<string>

/** A member's backlog question: its signed `request_backlog`, or the room key's in a private room. */
async function backlogQuestion(room: Room, sign: Sign, peer: string, sinceS?: number) {
  const since = sinceS === undefined ? {} : { since: sinceS }
  if (room.keys === undefined)
    return {
      protocol: BACKLOG_PROTOCOL,
      data: encodeUtf8(await sign({ type: 'request_backlog', ...since })),
    }
  const request = signRoomRequest(room.keys, peer, Math.floor(Date.now() / 1000), sinceS)
  return { protocol: PRIVATE_BACKLOG_PROTOCOL, data: encodeUtf8(JSON.stringify(request)) }
}

/**
 * Asks each relay it holds; the member claims in the answers (unverified) tell the room's
 * size, and the run's posts in them count as arrived (a rejoin's catch-up).
 */
async function ask(me: LightMember, question: { protocol: string; data: Uint8Array }) {
  await Promise.all(
    me.relayIds.map(async (relayId) => {
      try {
        // The same one-frame request a member's transport sends (net/stream-request.ts).
        const answer = await sendRequest(
          me.client,
          peerIdFromString(relayId),
          question.protocol,
          question.data,
          { timeoutMs: ASK_TIMEOUT_MS },
        )
        const parsed = JSON.parse(new TextDecoder().decode(answer)) as {
          entries?: unknown[]
          crowd?: { members?: number }
        }
        if (typeof parsed.crowd?.members === 'number') crowdSize.set(me.heard, parsed.crowd.members)
        for (const entry of parsed.entries ?? []) {
          if (typeof entry !== 'string') continue
          const claims =
            me.room.keys === undefined
              ? peekPayload(entry)
              : claimsOf(me.room, base64url.baseDecode(entry))
          if (claims !== undefined) took(me, claims)
        }
      } catch {
        // A relay that does not answer: the member goes on with what it knows.
      }
    }),
  )
}

/** Heartbeats at the pace of the room as this member knows it, as `thread-presence.ts` keeps. */
function beat(me: LightMember): void {
  const { delayMs } = nextHeartbeat(DEFAULT_TIMINGS, sizeOf(me.heard))
  setTimeout(async () => {
    if (stopping) return
    await announce(me, 'presence')
    beat(me)
  }, delayMs)
}

/** A post of the run reached one more light member (the first time it has it). */
function arrived(me: LightMember, message: unknown): void {
  const body = message as { tag?: unknown; i?: unknown; at?: unknown } | undefined
  if (body?.tag !== SCALE_TAG || typeof body.i !== 'number' || typeof body.at !== 'number') return
  if (me.seen.has(body.i)) return
  me.seen.add(body.i)
  const delays = latencies[body.i] ?? []
  delays.push(wallClockMs() - body.at)
  latencies[body.i] = delays
}

process.on('message', (message: ToLight) => {
  switch (message.type) {
    case 'join':
      for (const index of message.members)
        void member(index, message).catch((err: Error) =>
          send({ type: 'failed', peer: index, error: err.message }),
        )
      break
    case 'talk':
      void talk(message.say)
      break
    case 'report':
      send({
        type: 'report',
        latencies,
        members: known.map((heard) => sizeOf(heard)),
        bytesByType: { ...bytesByType },
        lagP99Ms: lag.percentile(99) / 1e6,
      })
      lag.reset()
      break
    case 'stop':
      stopping = true
      for (const keeper of keepers) keeper.stop()
      void Promise.allSettled(clients.map(async (client) => client.stop())).then(() => {
        send({ type: 'stopped' })
        process.exit(0)
      })
      break
  }
})
// The harness is gone (stopped by a signal, or crashed): so is this process.
process.once('disconnect', () => process.exit(0))
send({ type: 'ready' })
