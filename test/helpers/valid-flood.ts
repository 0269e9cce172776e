/**
 * A flood of valid messages, as the attacks of issues 12 and 22 send it: chat posts signed
 * by fresh DIDs (each within its own limit), signed ahead and published from a raw node at
 * a steady pace. Shared by the tests through the real path and bench:attack.
 */
import { claims, edKey, forge, type TestKey } from './jwt-forge.js'
import type { RawNode } from './raw-node.js'
import { sleep } from './wait.js'

const utf8 = new TextEncoder()

/** `count` valid chat posts for `topic`, `perDid` from each fresh DID. */
export function freshDidPosts(topic: string, count: number, perDid = 1): Uint8Array[] {
  const messages: Uint8Array[] = []
  let key: TestKey = edKey()
  for (let i = 0; i < count; i++) {
    if (i % perDid === 0) key = edKey()
    messages.push(utf8.encode(forge(key, claims(key, 'chat', topic, { message: `flood ${i}` }))))
  }
  return messages
}

/** Publishes `messages` from `node` at `perSecond`, in batches every 50 ms. */
export async function publishPaced(
  node: RawNode,
  topic: string,
  messages: Uint8Array[],
  perSecond: number,
): Promise<void> {
  const started = Date.now()
  const perBatch = Math.max(1, Math.round(perSecond / 20))
  for (let i = 0; i < messages.length; i += perBatch) {
    for (const message of messages.slice(i, i + perBatch))
      await node.services.pubsub.publish(topic, message).catch(() => undefined)
    const next = started + ((i + perBatch) / perSecond) * 1000
    await sleep(Math.max(0, next - Date.now()))
  }
}
