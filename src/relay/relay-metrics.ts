/**
 * What the relay exposes on `/metrics` (Prometheus text format, via prom-client): how many
 * peers and rooms, how many messages it accepted or refused and why, how many bytes.
 * Counts only: no room content, no DIDs, no peer ids (those would be personal data).
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'

export class RelayMetrics {
  readonly registry = new Registry()
  readonly peers = new Gauge({
    name: 'ghost_relay_peers',
    help: 'Peers connected to this relay',
    registers: [this.registry],
  })
  readonly rooms = new Gauge({
    name: 'ghost_relay_rooms',
    help: 'Rooms this relay serves (rooms with at least one member connected here)',
    registers: [this.registry],
  })
  readonly crowdRooms = new Gauge({
    name: 'ghost_relay_crowd_rooms',
    help: 'Rooms that are crowds here: who came and went goes out in digests (issue 26)',
    registers: [this.registry],
  })
  readonly reservations = new Gauge({
    name: 'ghost_relay_reservations',
    help: 'Circuit relay v2 reservations held by peers',
    registers: [this.registry],
  })
  /** Read when /metrics is scraped (set by the relay once its rooms exist). */
  heldRosterBytesOf: () => number = () => 0
  readonly heldRosterBytes: Gauge = new Gauge({
    name: 'ghost_relay_held_roster_bytes',
    help: "Bytes of members' signed claims held for newcomers, all rooms together",
    registers: [this.registry],
    collect: (): void => this.heldRosterBytes.set(this.heldRosterBytesOf()),
  })
  heldPostBytesOf: () => number = () => 0
  readonly heldPostBytes: Gauge = new Gauge({
    name: 'ghost_relay_held_post_bytes',
    help: "Bytes of rooms' newest posts held in memory for newcomers",
    registers: [this.registry],
    collect: (): void => this.heldPostBytes.set(this.heldPostBytesOf()),
  })
  /** Read when /metrics is scraped: peers by what their refused messages cost them. */
  penalizedPeersOf: (standing: 'pruned' | 'graylisted') => number = () => 0
  readonly penalizedPeers: Gauge<'standing'> = new Gauge({
    name: 'ghost_relay_penalized_peers',
    help: 'Peers whose rejected messages put them out of our meshes (pruned) or made us drop all they send (graylisted)',
    labelNames: ['standing'] as const,
    registers: [this.registry],
    collect: (): void => {
      for (const standing of ['pruned', 'graylisted'] as const)
        this.penalizedPeers.set({ standing }, this.penalizedPeersOf(standing))
    },
  })
  readonly refused = new Counter({
    name: 'ghost_relay_refused_total',
    help: 'Clients refused or hung up on: reservations past the per-address cap, connections past the room cap, connections whose gossip stream died, backlog requests past the per-requester rate',
    labelNames: ['why'] as const,
    registers: [this.registry],
  })
  readonly messages = new Counter({
    name: 'ghost_relay_messages_total',
    help: 'Room messages validated, by verdict (accept, reject, ignore) and reason',
    labelNames: ['verdict', 'reason'] as const,
    registers: [this.registry],
  })
  readonly backlogAnswers = new Counter({
    name: 'ghost_relay_backlog_answers_total',
    help: "Backlog requests answered, by what they asked: the member list and posts (a join), who came since (a join's follow-ups), or posts only",
    labelNames: ['question'] as const,
    registers: [this.registry],
  })
  readonly backlogAnswerBytes = new Counter({
    name: 'ghost_relay_backlog_answer_bytes_total',
    help: 'Bytes of backlog answers sent, by room kind (public, private)',
    labelNames: ['room'] as const,
    registers: [this.registry],
  })
  readonly bytes = new Counter({
    name: 'ghost_relay_message_bytes_total',
    help: 'Bytes of room messages validated, by who handed them over: a client, or another relay (what relays cost each other)',
    labelNames: ['from'] as const,
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ghost_relay_' })
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }
}
