import {
  createSeedIdentity,
  GhostThread,
  GhostThreads,
  generateSeed,
  type MemoryHub,
  type MemoryTransport,
  type Post,
  ReceiptRules,
  type ReceiptRulesInit,
  type ThreadTimings,
} from '../../src/core/index.js'

/** Timings scaled down so presence, expiry and backlog play out in milliseconds. */
export const FAST_TIMINGS: ThreadTimings = {
  presenceIntervalMs: 100,
  memberExpiryMs: 400,
  // The default pace, scaled like the interval (20 s → 100 ms).
  roomPresencePerSecond: 10 * (20_000 / 100),
  maxPresenceIntervalMs: 1_000,
  presenceReplyJitterMs: 5,
  backlogGatherMs: 30,
  backlogPeersAsked: 3,
  requestTimeoutMs: 1_000,
  // Scheduled rotation is tested on purpose, not by every private room of a test.
  privateRotationMs: 3_600_000,
  // Scaled like the interval: a rotation right after a member came does not leave it out.
  rekeyGraceMs: 300,
}

export interface PeerInit {
  seed?: Uint8Array
  space?: string
  room?: string
  backlogLimit?: number
  timings?: Partial<ThreadTimings>
  rules?: ReceiptRulesInit
  /** A private room's invite: the peer joins that room (named `room` here). */
  invite?: string
  /** The peer makes a new private room (its thread's invite says which). */
  createPrivate?: boolean
}

export interface TestPeer {
  ghost: GhostThreads
  thread: GhostThread
  transport: MemoryTransport
  did: string
  events: EventLog
}

export async function joinPeer(hub: MemoryHub, init: PeerInit = {}): Promise<TestPeer> {
  const transport = hub.createTransport()
  const timings = { ...FAST_TIMINGS, ...init.timings }
  const ghost = new GhostThreads({
    transport,
    identity: createSeedIdentity(init.seed ?? generateSeed()),
    timings,
    rules: new ReceiptRules({ ...init.rules }),
  })
  const space = await ghost.openSpace(init.space ?? 'testspace')
  const events = new EventLog()
  const options = { ghostBacklogLimit: init.backlogLimit }
  const thread =
    init.createPrivate === true
      ? (await space.createPrivateThread(init.room ?? 'lobby', options)).thread
      : await space.joinThread(init.room ?? 'lobby', {
          ghost: true,
          ...options,
          ...(init.invite === undefined ? {} : { invite: init.invite }),
        })
  // Attached as a dapp would, right after joining: answers to our join wait for a timer.
  events.watch(thread)
  return { ghost, thread, transport, did: space.did, events }
}

/** Everything a thread emitted, in order. */
export class EventLog {
  readonly messages: Post[] = []
  readonly joined: string[] = []
  readonly left: string[] = []
  readonly backlogs: Post[][] = []

  watch(thread: GhostThread): void {
    thread.on('message', (post) => this.messages.push(post))
    thread.on('user-joined', (did) => this.joined.push(did))
    thread.on('user-left', (did) => this.left.push(did))
    thread.on('backlog-received', (event) => this.backlogs.push(event.message))
  }

  texts(): unknown[] {
    return this.messages.map((post) => post.message)
  }

  /** Live messages and those that came in a backlog: everything this peer was given. */
  allTexts(): unknown[] {
    return [...this.texts(), ...this.backlogs.flat().map((post) => post.message)]
  }
}

export async function closeAll(peers: TestPeer[]): Promise<void> {
  await Promise.all(peers.map((peer) => peer.ghost.stop()))
}

export { GhostThread }
