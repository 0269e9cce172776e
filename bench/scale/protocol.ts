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
    }
  | { type: 'stopped' }

export const SCALE_TAG = 'scale'

export function wallClockMs(): number {
  return performance.timeOrigin + performance.now()
}
