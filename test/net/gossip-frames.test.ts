/**
 * What the relay sends members besides the messages themselves. Gossipsub sends IDONTWANT
 * for every message from 512 bytes to all its mesh peers in the topic; around a relay that
 * is one more frame per member per message, saving nothing (the relay forwards the message
 * to them right after). Ours are all under MAX_MESSAGE_BYTES and go without.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { multiaddr } from '@multiformats/multiaddr'
import { type RawNode, rawGossipNode } from '../helpers/raw-node.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { waitFor } from '../helpers/wait.js'

describe('a relay forwarding posts of 1–4 KB', () => {
  const net = useRelay()
  let raw: RawNode | undefined
  afterAll(async () => {
    await raw?.stop()
  })

  it('sends members the posts and no IDONTWANT for them', async () => {
    const alice = await net.join('frames')
    raw = await rawGossipNode()
    await raw.dial(multiaddr(net.relay.address))
    // A raw member counts the IDONTWANT message ids the relay sends it.
    let idontwant = 0
    const pubsub = raw.services.pubsub as unknown as {
      handleControlMessage(
        id: string,
        control: { idontwant?: { messageIDs?: unknown[] }[] },
      ): unknown
    }
    const handle = pubsub.handleControlMessage.bind(pubsub)
    pubsub.handleControlMessage = (id, control) => {
      for (const entry of control.idontwant ?? []) idontwant += entry.messageIDs?.length ?? 0
      return handle(id, control)
    }
    const heard: string[] = []
    raw.services.pubsub.addEventListener('message', ({ detail }) => {
      heard.push(new TextDecoder().decode(detail.data))
    })
    raw.services.pubsub.subscribe(alice.thread.topic)
    // Small posts until the relay forwards to the raw member (under the 512-byte line).
    await waitFor(
      async () => {
        await alice.thread.post('warm-up')
        return heard.length > 0
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'the relay to forward to the raw member' },
    )
    const sizes = [1_000, 2_000, 4_000]
    for (const size of sizes) await alice.thread.post('x'.repeat(size))
    await waitFor(() => heard.filter((jwt) => jwt.length > 1_000).length === sizes.length, {
      timeoutMs: 10_000,
      what: 'the raw member to get the three posts',
    })
    expect(idontwant).toBe(0)
  }, 30_000)
})
