/**
 * What `bench:scale`'s coordinator and its worker processes say to each other over the
 * IPC channel. Times are wall-clock milliseconds (`performance.timeOrigin + now()`),
 * which agree across processes on one machine to well under a millisecond.
 */

/** Where each member connects: every relay, or one (`--relay-per-member 1`) by its index. */
export interface RelayChoice {
  relays: string[]
  relayPerMember: boolean
}

export function relaysOf(choice: RelayChoice, member: number): string[] {
  const { relays, held } = relayPlanOf(choice, member)
  return relays.slice(0, held)
}

/**
 * The relays a light member's relay keeper is given: its own first, then the others as
 * spares, as a member whose relay told it the relays it meshes with has them
 * (RelayDirectory); `held` is how many it holds at once (the first `held` are `relaysOf`).
 */
export function relayPlanOf(
  choice: RelayChoice,
  member: number,
): { relays: string[]; held: number } {
  const { relays, relayPerMember } = choice
  if (!relayPerMember) return { relays, held: relays.length }
  const own = member % relays.length
  return { relays: [...relays.slice(own), ...relays.slice(0, own)], held: 1 }
}

export type ToWorker =
  | ({
      type: 'join'
      room: string
      /** Global indices of this worker's peers, each joining at `epochMs + index × gapMs`. */
      peers: number[]
      epochMs: number
      gapMs: number
      roomSize: number
      /** The room is the private room of this invite (--private). */
      invite?: string
    } & RelayChoice)
  | { type: 'post'; posts: { peer: number; post: number; atMs: number }[] }
  | { type: 'report' }
  | { type: 'stop' }

/** What a process of members (full or light) reports when asked, and says as they join. */
export interface MembersReport {
  type: 'report'
  /** For each post, the delay until each of this process's members had it (ms). */
  latencies: Record<number, number[]>
  /**
   * Per member, the members it knows of, itself included: a full member's list; the claims
   * a light member heard (unverified).
   */
  members: number[]
  /** Bytes its members took in since they joined, by message type (each message once per member). */
  bytesByType: Record<string, number>
  /** The event loop's delay, p99 since the last report (ms): is this process the limit? */
  lagP99Ms: number
}

type MembersSay =
  | { type: 'ready' }
  | { type: 'joined'; peer: number; atMs: number; dialMs: number }
  | { type: 'failed'; peer: number; error: string }
  | MembersReport
  | { type: 'stopped' }

export type FromWorker = MembersSay | { type: 'converged'; peer: number; atMs: number }

/** To a process of light members (light.ts). */
export type ToLight =
  | ({
      type: 'join'
      space: string
      room: string
      /** Global indices of this process's members, each joining at `epochMs + index × gapMs`. */
      members: number[]
      epochMs: number
      gapMs: number
      invite?: string
    } & RelayChoice)
  /** Messages for this process's members to say (bench:relay); others' are skipped. */
  | { type: 'talk'; say: Said[] }
  | { type: 'report' }
  | { type: 'stop' }

/**
 * One message a light member says at `atMs`: a post numbered `post` (its arrivals are
 * recorded as a full member's posts are), or a presence (a heartbeat out of turn).
 */
export interface Said {
  member: number
  post: number
  atMs: number
  kind: 'chat' | 'presence'
}

/** A light member's bytes are counted by the type inside (opened, in a private room). */
export type FromLight = MembersSay

/** To the process that keeps `--background-rooms` busy on the relays. */
export type ToBackground =
  | {
      type: 'start'
      relays: string[]
      rooms: number
      membersPerRoom: number
      /** Rooms each client mirrors on its relay (under the relay's per-connection cap). */
      roomsPerClient: number
    }
  | { type: 'report' }
  | { type: 'stop' }

export type FromBackground =
  | { type: 'ready' }
  | { type: 'subscribed'; clients: number }
  | { type: 'failed'; error: string }
  | {
      type: 'report'
      /** Presences sent since the last report, and their copies at the rooms' other members. */
      sent: number
      received: number
      /** Copies the other members should have received: sent × (members − 1). */
      expected: number
    }

export const SCALE_TAG = 'scale'

export function wallClockMs(): number {
  return performance.timeOrigin + performance.now()
}
