/**
 * The other rooms of `bench:scale --background-rooms N`: a relay that serves a crowd's room
 * usually serves many small rooms too, and their heartbeats cost it verification and
 * forwarding. Here raw libp2p clients (plain libraries, as in the relay-limits test) hold
 * N rooms of `membersPerRoom` members, each member beating a real signed presence at the
 * pace a real member of that room keeps (`nextHeartbeat`). They never post: these rooms
 * idle. Each presence's copies at the room's other members are counted, so the table shows
 * whether the relay still carries them while the crowd talks.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_TIMINGS, type SpaceSigner, signClaims, topicFor } from '../../src/core/index.js'
import { nextHeartbeat } from '../../src/core/presence-pacing.js'
import { encodeUtf8 } from '../../src/core/utf8.js'
import { type RawNode, rawGossipNode } from '../../test/helpers/raw-node.js'
import { nativeSigner } from './native-signer.js'
import type { FromBackground, ToBackground } from './protocol.js'

const clients: RawNode[] = []
let stopping = false
let membersPerRoom = 1
/** Each presence not yet reported: when it was sent, and how many members still lack it. */
const inFlight = new Map<string, { sentAtMs: number; missing: number }>()
/** A report covers the presences sent at least this long ago: time to arrive. */
const ARRIVAL_GRACE_MS = 2_000

function send(message: FromBackground): void {
  process.send?.(message)
}

/** Client c holds rooms [c × perClient, (c+1) × perClient) of member slot ⌊c / groups⌋. */
async function start(init: Extract<ToBackground, { type: 'start' }>): Promise<void> {
  membersPerRoom = init.membersPerRoom
  const groups = Math.ceil(init.rooms / init.roomsPerClient)
  for (let c = 0; c < groups * init.membersPerRoom; c++) {
    const relay = init.relays[c % init.relays.length] as string
    const client = await rawGossipNode()
    clients.push(client)
    await client.dial(multiaddr(relay))
    const first = (c % groups) * init.roomsPerClient
    const rooms = Array.from(
      { length: Math.min(init.roomsPerClient, init.rooms - first) },
      (_, r) => topicFor('background', `r${first + r}`),
    )
    client.services.pubsub.addEventListener('message', (event) => {
      const held = inFlight.get(new TextDecoder().decode(event.detail.data))
      if (held !== undefined) held.missing--
    })
    for (const topic of rooms) client.services.pubsub.subscribe(topic)
    const signer = await nativeSigner()
    for (const topic of rooms) beat(client, signer, topic, relay.split('/p2p/')[1] ?? '', true)
  }
  send({ type: 'subscribed', clients: clients.length })
}

/** One member's heartbeats in one room, first at a random point of its interval. */
function beat(
  client: RawNode,
  signer: SpaceSigner,
  topic: string,
  relayId: string,
  first = false,
): void {
  const { delayMs, ttlS } = nextHeartbeat(DEFAULT_TIMINGS, membersPerRoom)
  setTimeout(
    async () => {
      if (stopping) return
      const { jwt } = await signClaims(
        signer,
        {
          type: 'presence',
          room: topic,
          peer: client.peerId.toString(),
          relays: [relayId],
          ttl: ttlS,
        },
        Date.now(),
      )
      inFlight.set(jwt, { sentAtMs: Date.now(), missing: membersPerRoom - 1 })
      await client.services.pubsub.publish(topic, encodeUtf8(jwt)).catch(() => undefined)
      beat(client, signer, topic, relayId)
    },
    first ? Math.random() * delayMs : delayMs,
  )
}

/** The presences sent since the last report (and at least ARRIVAL_GRACE_MS ago). */
function report(): Extract<FromBackground, { type: 'report' }> {
  const cutoff = Date.now() - ARRIVAL_GRACE_MS
  let sent = 0
  let received = 0
  for (const [jwt, { sentAtMs, missing }] of inFlight) {
    if (sentAtMs > cutoff) break
    sent++
    received += membersPerRoom - 1 - missing
    inFlight.delete(jwt)
  }
  return { type: 'report', sent, received, expected: sent * (membersPerRoom - 1) }
}

process.on('message', (message: ToBackground) => {
  switch (message.type) {
    case 'start':
      void start(message).catch((err: Error) => send({ type: 'failed', error: err.message }))
      break
    case 'report':
      send(report())
      break
    case 'stop':
      stopping = true
      void Promise.allSettled(clients.map(async (client) => client.stop())).then(() =>
        process.exit(0),
      )
      break
  }
})
// The harness is gone (stopped by a signal, or crashed): so is this process.
process.once('disconnect', () => process.exit(0))
send({ type: 'ready' })
