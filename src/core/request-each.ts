import type { PeerRoute } from './members.js'
import type { PubSubTransport } from './transport.js'

/**
 * Sends one request to each peer at once, each with its own deadline, and waits for all
 * of them: one slow or lying peer must not hold up or spoil the others' answers.
 */
export function requestEach(
  transport: PubSubTransport,
  peers: readonly PeerRoute[],
  protocol: string,
  data: Uint8Array,
  timeoutMs: number,
): Promise<PromiseSettledResult<Uint8Array>[]> {
  return Promise.allSettled(
    peers.map(({ peer, relays }) =>
      transport.request(peer, protocol, data, { signal: AbortSignal.timeout(timeoutMs), relays }),
    ),
  )
}
