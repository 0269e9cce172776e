/**
 * One request, one response over a libp2p stream: the shape of both direct protocols
 * (`/ghost-threads/backlog/2.0.0`, `/ghost-threads/direct/2.0.0`). Each side sends one
 * length-prefixed frame; sizes are bounded before anything is buffered, and both sides
 * give up after a timeout so a stalled peer holds no stream for long.
 */
import type { Libp2p, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { REQUEST_TIMEOUT_MS } from '../core/constants.js'
import type { RequestHandler } from '../core/transport.js'
import { MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES } from './constants.js'

export interface SendRequestOptions {
  signal?: AbortSignal
  timeoutMs?: number
  maxResponseBytes?: number
}

/** Dials `target` (a peer id or its addresses), sends `data`, returns the answer. */
export async function sendRequest(
  node: Libp2p,
  target: Parameters<Libp2p['dialProtocol']>[0] | Multiaddr[],
  protocol: string,
  data: Uint8Array,
  options: SendRequestOptions = {},
): Promise<Uint8Array> {
  const signal = withTimeout(options.signal, options.timeoutMs ?? REQUEST_TIMEOUT_MS)
  // Direct protocols may run over a relayed (limited) circuit: a DM or a backlog must
  // work before WebRTC is up. Gossipsub stays off limited connections (FIELD-NOTES).
  const stream = await node.dialProtocol(target, protocol, { signal, runOnLimitedConnection: true })
  try {
    const frames = lpStream(stream, {
      maxDataLength: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    })
    await frames.write(data, { signal })
    const answer = await frames.read({ signal })
    await stream.close({ signal })
    return answer.subarray()
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/** Serves `protocol` with `handler`: one bounded request frame in, one answer frame out. */
export async function serveRequests(
  node: Libp2p,
  protocol: string,
  handler: RequestHandler,
): Promise<void> {
  await node.handle(
    protocol,
    async (stream: Stream, connection) => {
      const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
      try {
        const frames = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
        const request = await frames.read({ signal })
        const answer = await handler(request.subarray(), connection.remotePeer.toString())
        await frames.write(answer, { signal })
        await stream.close({ signal })
      } catch (err) {
        // Oversized frames, timeouts and resets end here: the requester sees a failed
        // request and tries another peer; nothing else depends on this stream.
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    },
    { runOnLimitedConnection: true, force: true },
  )
}

function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs)
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout])
}
