/**
 * Peers for the network benchmark: real Ghost Threads nodes in this process, dialling the
 * relay (a child process) over 127.0.0.1, with the protocol's default timings.
 */
import { createSeedIdentity, generateSeed, type SpaceSigner } from '../../src/core/index.js'
import { signClaims } from '../../src/core/jwt.js'
import { topicFor } from '../../src/core/room-name.js'
import { encodeUtf8 } from '../../src/core/utf8.js'
import { type GhostNode, startGhostNode } from '../../src/net/ghost-node.js'

export const SPACE = 'bench'

export function startPeer(relay: string): Promise<GhostNode> {
  return startGhostNode({
    relays: [relay],
    webrtc: false,
    identity: createSeedIdentity(generateSeed()),
  })
}

/** Joins `room` in the bench's space; with `invite`, the private room of that invite. */
export async function joinRoom(node: GhostNode, room: string, invite?: string) {
  const options = invite === undefined ? {} : { invite }
  return (await node.ghost.openSpace(SPACE)).joinThread(room, { ghost: true, ...options })
}

/**
 * Authors for traffic beyond one person's rate limit (20 messages/s per DID): many
 * DIDs, as in a busy room. Messages are signed ahead, so the send loop measures the
 * network and the validation, not our signing speed.
 */
export async function createAuthors(count: number): Promise<SpaceSigner[]> {
  return Promise.all(
    Array.from({ length: count }, () => createSeedIdentity(generateSeed()).signerForSpace(SPACE)),
  )
}

export async function presign(
  authors: SpaceSigner[],
  room: string,
  count: number,
  tag: string,
): Promise<Uint8Array[]> {
  const topic = topicFor(SPACE, room)
  const signed: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const author = authors[i % authors.length] as SpaceSigner
    const { jwt } = await signClaims(
      author,
      { type: 'chat' as const, room: topic, message: { tag, i } },
      Date.now(),
    )
    signed.push(encodeUtf8(jwt))
  }
  return signed
}

/** Message index of a benchmark post, or undefined for anything else. */
export function indexOf(message: unknown, tag: string): number | undefined {
  if (typeof message !== 'object' || message === null) return undefined
  const { tag: got, i } = message as { tag?: unknown; i?: unknown }
  return got === tag && typeof i === 'number' ? i : undefined
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (condition()) return true
    await sleep(5)
  }
  return condition()
}
