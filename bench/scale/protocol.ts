/**
 * What `bench:scale`'s coordinator and its worker processes say to each other over the
 * IPC channel. Times are wall-clock milliseconds (`performance.timeOrigin + now()`),
 * which agree across processes on one machine to well under a millisecond.
 */

export type ToWorker =
  | {
      type: 'join'
      relays: string[]
      room: string
      /** Global indices of this worker's peers, each joining at `epochMs + index × gapMs`. */
      peers: number[]
      epochMs: number
      gapMs: number
      roomSize: number
      /** The room is the private room of this invite (--private). */
      invite?: string
    }
  | { type: 'post'; posts: { peer: number; post: number; atMs: number }[] }
  | { type: 'report' }
  | { type: 'stop' }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'joined'; peer: number; atMs: number }
  | { type: 'converged'; peer: number; atMs: number }
  | { type: 'failed'; peer: number; error: string }
  | {
      type: 'report'
      /** For each post, the delay until each of this worker's peers had it (ms). */
      latencies: Record<number, number[]>
      /** Members each peer lists now, us included. */
      members: number[]
      /** Bytes this worker's peers took in since they joined, by message type (each message once per peer). */
      bytesByType: Record<string, number>
    }
  | { type: 'stopped' }

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
