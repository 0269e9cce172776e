/**
 * A relay's gossipsub sends what it has for one peer within one turn of the event loop as
 * one RPC (src/net/gossip-rpc-batches.ts): two real gossipsub nodes over WebSockets on
 * 127.0.0.1, the sender batching, the receiver counting the RPCs that reach it.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { RPC_BATCH_MESSAGES } from '../../src/net/constants.js'
import { batchGossipRpcs } from '../../src/net/gossip-rpc-batches.js'
import { type RawNode, rawGossipNode } from '../helpers/raw-node.js'
import { waitFor } from '../helpers/wait.js'

const TOPIC = 'batches'

const gossipNode = (listen: string[] = []) => rawGossipNode({ listen })
type GossipNode = RawNode

const nodes: GossipNode[] = []
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((node) => node.stop()))
})

/** A batching sender and a receiver in TOPIC; the receiver's RPCs, as the message counts each held. */
async function pair() {
  const sender = await gossipNode(['/ip4/127.0.0.1/tcp/0/ws'])
  const receiver = await gossipNode()
  nodes.push(sender, receiver)
  batchGossipRpcs(sender.services.pubsub)
  const rpcs: number[] = []
  const internals = receiver.services.pubsub as unknown as {
    handleReceivedRpc(from: unknown, rpc: { messages: unknown[] }): Promise<void>
  }
  const handle = internals.handleReceivedRpc.bind(internals)
  internals.handleReceivedRpc = (from, rpc) => {
    if (rpc.messages.length > 0) rpcs.push(rpc.messages.length)
    return handle(from, rpc)
  }
  const heard: string[] = []
  receiver.services.pubsub.addEventListener('message', ({ detail }) => {
    heard.push(new TextDecoder().decode(detail.data))
  })
  receiver.services.pubsub.subscribe(TOPIC)
  sender.services.pubsub.subscribe(TOPIC)
  await receiver.dial(sender.getMultiaddrs())
  await waitFor(() => sender.services.pubsub.getSubscribers(TOPIC).length === 1, {
    what: 'the receiver subscribed at the sender',
  })
  return { sender, rpcs, heard }
}

const publishAll = (sender: GossipNode, texts: string[]) =>
  Promise.all(
    texts.map((text) => sender.services.pubsub.publish(TOPIC, new TextEncoder().encode(text))),
  )

describe('a batching gossipsub sender', () => {
  it('sends what one turn publishes to a peer as one RPC, every message in order', async () => {
    const { sender, rpcs, heard } = await pair()
    const texts = Array.from({ length: 30 }, (_, i) => `post ${i}`)
    await publishAll(sender, texts)
    await waitFor(() => heard.length === 30, { what: '30 messages' })
    expect(heard).toEqual(texts)
    expect(rpcs).toEqual([30])
    // A message sent alone, in a later turn, still goes at once.
    await publishAll(sender, ['alone'])
    await waitFor(() => heard.length === 31, { what: 'the message sent alone' })
    expect(rpcs).toEqual([30, 1])
  })

  it(`sends a batch early at ${RPC_BATCH_MESSAGES} messages: a peer decodes at most 5,000 an RPC`, async () => {
    const { sender, rpcs, heard } = await pair()
    const count = RPC_BATCH_MESSAGES * 2 + 5
    await publishAll(
      sender,
      Array.from({ length: count }, (_, i) => `many ${i}`),
    )
    await waitFor(() => heard.length === count, { what: `${count} messages`, timeoutMs: 20_000 })
    expect(rpcs).toEqual([RPC_BATCH_MESSAGES, RPC_BATCH_MESSAGES, 5])
  }, 30_000)
})
