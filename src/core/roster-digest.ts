/**
 * A crowd room's roster digests (issue 26) on the wire: what a relay gathers between two
 * ticks (who came, who went) and sends as one or more RosterDigest messages, and how a
 * receiver reads one. A digest is JSON, so it is told from a JWT (base64url, never `{`) by
 * its first byte. Only a relay's digest counts: members take them from their relays
 * (thread-crowd.ts) and never pass one on.
 */
import {
  DIGEST_ENVELOPE_BYTES,
  DIGEST_ITEM_OVERHEAD,
  MAX_DIGEST_BYTES,
  MAX_DIGEST_GONE,
} from './constants.js'
import { readJson } from './read-json.js'
import type { ReceiptRules, VerifiedMessage } from './receipt-rules.js'
import { type MemberClaims, RosterDigest } from './schema.js'
import { encodeUtf8 } from './utf8.js'

/** Whether a message off a room's topic is a digest (a JWT starts with `e`). */
export function looksLikeDigest(data: Uint8Array): boolean {
  return data[0] === '{'.charCodeAt(0)
}

/** The digest in `data` for `topic`, or undefined when it is none (malformed, oversized, another room's). */
export function readDigest(data: Uint8Array, topic: string): RosterDigest | undefined {
  const digest = readJson(data, MAX_DIGEST_BYTES, RosterDigest)
  return digest?.room === topic ? digest : undefined
}

/**
 * A digest (or a relay's roster batch, of the same shape) for `topic` with each claim in
 * it checked as a backlog entry: the member claims that passed, and the DIDs it says went.
 * Undefined when the bytes are no digest of this room. What a member and a relay both do
 * with what a relay sent them; each applies it to its own list.
 */
export async function checkedDigest(
  data: Uint8Array,
  topic: string,
  rules: ReceiptRules,
): Promise<{ digest: RosterDigest; came: VerifiedMemberClaim[] } | undefined> {
  const digest = readDigest(data, topic)
  if (digest === undefined) return undefined
  const verdicts = await Promise.all(
    digest.joined.map((jwt) => rules.check(jwt, { topic, channel: 'backlog-entry' })),
  )
  const came = verdicts.flatMap((verdict) =>
    verdict.action === 'accept' && isMemberClaim(verdict.message) ? [verdict.message] : [],
  )
  return { digest, came }
}

/** A checked `join` or `presence`. */
export type VerifiedMemberClaim = VerifiedMessage & { claims: MemberClaims }

function isMemberClaim(message: VerifiedMessage): message is VerifiedMemberClaim {
  return message.claims.type === 'join' || message.claims.type === 'presence'
}

/**
 * What a relay has to tell one crowd room at its next tick: the newest claim of each
 * member that came, and the DIDs that went. A member that came and went within one tick
 * is told as gone: a newcomer's answer may have listed it meanwhile.
 */
export class DigestBatch {
  private readonly came = new Map<string, string>()
  private readonly went = new Set<string>()

  joined(did: string, jwt: string): void {
    this.went.delete(did)
    this.came.set(did, jwt)
  }

  left(did: string): void {
    this.came.delete(did)
    this.went.add(did)
  }

  get isEmpty(): boolean {
    return this.came.size === 0 && this.went.size === 0
  }

  /**
   * The digests to send now, each within MAX_DIGEST_BYTES, and the batch emptied: none
   * when nothing changed, unless `always` (a crowd begins or ends, or is reminded).
   * `members`: the relay's count now.
   */
  take(room: string, members: number, crowd: boolean, always = false): Uint8Array[] {
    if (this.isEmpty && !always) return []
    const digests: RosterDigest[] = []
    let current: RosterDigest = { digest: 1, room, joined: [], gone: [], members, crowd }
    let bytes = DIGEST_ENVELOPE_BYTES + room.length
    const makeRoom = (length: number, listFull = false) => {
      if (!listFull && bytes + length + DIGEST_ITEM_OVERHEAD <= MAX_DIGEST_BYTES) {
        bytes += length + DIGEST_ITEM_OVERHEAD
        return
      }
      digests.push(current)
      current = { digest: 1, room, joined: [], gone: [], members, crowd }
      bytes = DIGEST_ENVELOPE_BYTES + room.length + length + DIGEST_ITEM_OVERHEAD
    }
    for (const did of this.went) {
      makeRoom(did.length, current.gone.length >= MAX_DIGEST_GONE)
      current.gone.push(did)
    }
    for (const jwt of this.came.values()) {
      makeRoom(jwt.length)
      current.joined.push(jwt)
    }
    digests.push(current)
    this.came.clear()
    this.went.clear()
    return digests.map((digest) => encodeUtf8(JSON.stringify(digest)))
  }
}
