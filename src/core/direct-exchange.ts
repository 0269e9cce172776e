import { DIRECT_PROTOCOL } from './constants.js'
import type { PeerRoute } from './members.js'
import { requestEach } from './request-each.js'
import { DirectResponse } from './schema.js'
import type { PubSubTransport } from './transport.js'
import { decodeUtf8, encodeUtf8 } from './utf8.js'

/**
 * The sender's side of the direct protocol (`/ghost-threads/direct/2.0.0`): one DM JWT to every peer hosting
 * the recipient's DID, each answered with a status. 3box sent DMs to a peer id and
 * kept them in the backlog; here they go to a DID's peers only and are never stored.
 */

export interface SendDirectInit {
  peers: readonly PeerRoute[]
  jwt: string
  transport: PubSubTransport
  timeoutMs: number
}

/** One outcome per peer: 'ok', or why that peer did not take the message. */
export async function sendDirect(init: SendDirectInit): Promise<string[]> {
  const answers = await requestEach(
    init.transport,
    init.peers,
    DIRECT_PROTOCOL,
    encodeUtf8(init.jwt),
    init.timeoutMs,
  )
  return answers.map((answer) =>
    answer.status === 'fulfilled'
      ? outcomeOf(answer.value)
      : String((answer.reason as Error)?.message ?? answer.reason),
  )
}

function outcomeOf(answer: Uint8Array): string {
  try {
    const parsed = DirectResponse.safeParse(JSON.parse(decodeUtf8(answer) ?? ''))
    if (parsed.success) return parsed.data.ok ? 'ok' : parsed.data.error
  } catch {
    // fall through: not JSON
  }
  return 'malformed answer'
}
