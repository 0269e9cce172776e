/**
 * The harness side of background.ts: many small idle rooms held on the relays, started
 * until every relay mirrors them, and asked how many of their presences arrived. Used by
 * `bench:scale --background-rooms` (a relay busy with other rooms) and `bench:relay` (what
 * a room costs the relay in memory).
 */
import type { ChildProcess } from 'node:child_process'
import { MAX_ROOMS_PER_CONNECTION } from '../../src/net/constants.js'
import type { RelayProcess } from '../../test/helpers/relay-process.js'
import type { Row } from '../table.js'
import { startMemberProcess } from './member-process.js'
import type { FromBackground, ToBackground } from './protocol.js'

/** How long the clients may take to connect, and the relays to mirror every room. */
const START_LIMIT_MS = 120_000
const POLL_MS = 500
const REPORT_LIMIT_MS = 10_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class BackgroundRooms {
  private readonly reports: Extract<FromBackground, { type: 'report' }>[] = []
  private child: ChildProcess | undefined
  private subscribed = false
  private stopping = false

  private constructor(private readonly rooms: number) {}

  /**
   * `rooms` rooms of `membersPerRoom` members each on `relays`; resolves once the relays
   * mirror them all. A failure goes to `failures`; a start past its limit throws.
   */
  static async start(
    relays: RelayProcess[],
    rooms: number,
    membersPerRoom: number,
    failures: string[],
  ): Promise<BackgroundRooms> {
    const held = new BackgroundRooms(rooms)
    held.child = await startMemberProcess<FromBackground>('background.ts', {
      onMessage: (message) => {
        if (message.type === 'subscribed') held.subscribed = true
        if (message.type === 'report') held.reports.push(message)
        if (message.type === 'failed') failures.push(`background rooms: ${message.error}`)
      },
      onExit: (why) => {
        if (!held.stopping) failures.push(`the background rooms' process exited (${why})`)
      },
    })
    held.child.send({
      type: 'start',
      relays: relays.map((relay) => relay.address),
      rooms,
      membersPerRoom,
      roomsPerClient: MAX_ROOMS_PER_CONNECTION - 6,
    } satisfies ToBackground)
    const deadline = Date.now() + START_LIMIT_MS
    while (!held.subscribed && failures.length === 0 && Date.now() < deadline) await sleep(POLL_MS)
    if (!held.subscribed) throw new Error('the background clients did not connect within 120 s')
    const mirrored = async () =>
      (await Promise.all(relays.map((relay) => relay.metric('ghost_relay_rooms')))).reduce(
        (a, b) => a + b,
        0,
      )
    while ((await mirrored()) < rooms && Date.now() < deadline) await sleep(POLL_MS)
    if ((await mirrored()) < rooms)
      throw new Error(`the relays mirror ${await mirrored()} of ${rooms} background rooms`)
    return held
  }

  /** The rooms' presences delivered since the previous reading, as a row. */
  async row(during: string): Promise<Row> {
    const count = this.reports.length
    this.child?.send({ type: 'report' } satisfies ToBackground)
    const deadline = Date.now() + REPORT_LIMIT_MS
    while (this.reports.length <= count && Date.now() < deadline) await sleep(100)
    const { received, expected } = this.reports.at(-1) ?? { received: 0, expected: 0 }
    return {
      measure: `the ${this.rooms.toLocaleString('en')} other rooms' presences delivered ${during}`,
      result: `${Math.round((1000 * received) / Math.max(1, expected)) / 10}% (${received.toLocaleString('en')}/${expected.toLocaleString('en')})`,
      target: '100%',
      verdict: received >= expected ? 'yes' : 'NO',
    }
  }

  stop(): void {
    this.stopping = true
    if (this.child?.connected === true) this.child.send({ type: 'stop' } satisfies ToBackground)
  }
}
