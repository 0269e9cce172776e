/**
 * Gossipsub sends every RPC on its own: a relay forwarding a busy room's posts sent each
 * member one RPC per post, and each RPC costs a stream write, a yamux frame, a Noise
 * encryption and a WebSocket frame. Here what gossipsub sends one peer within one turn of
 * the event loop goes as one RPC when the turn ends (`setImmediate`): the subscriptions,
 * messages and control of each, in the order they were sent, merged as gossipsub itself
 * merges the control it piggybacks. A peer decodes at most 5,000 messages and 4 MiB an
 * RPC (gossipsub's defaults), so a batch goes early at RPC_BATCH_MESSAGES or
 * RPC_BATCH_BYTES. Node only (the relay): a browser has no `setImmediate`, and a timer
 * there would wait.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import { RPC_BATCH_BYTES, RPC_BATCH_MESSAGES } from './constants.js'

interface Control {
  graft: unknown[]
  prune: unknown[]
  ihave: unknown[]
  iwant: unknown[]
  idontwant: unknown[]
}

/** An RPC as gossipsub builds one to send (its `createGossipRpc`). */
interface Rpc {
  subscriptions: unknown[]
  messages: { data?: Uint8Array }[]
  control?: Control
}

/** gossipsub's own (private) sender: false when the peer has no outbound stream. */
type SendRpc = (id: string, rpc: Rpc) => boolean

const CONTROL_KINDS = ['graft', 'prune', 'ihave', 'iwant', 'idontwant'] as const

export function batchGossipRpcs(pubsub: GossipSub): void {
  const internals = pubsub as unknown as {
    sendRpc?: SendRpc
    streamsOutbound?: Map<string, unknown>
  }
  const streams = internals.streamsOutbound
  // Private members: a gossipsub release without them must fail here, loudly.
  if (typeof internals.sendRpc !== 'function' || !(streams instanceof Map))
    throw new Error('gossipsub has no sendRpc or streamsOutbound: update gossip-rpc-batches.ts')
  const send = internals.sendRpc.bind(pubsub)
  const pending = new Map<string, { rpc: Rpc; bytes: number }>()
  let flushScheduled = false
  const flush = () => {
    flushScheduled = false
    const batches = [...pending]
    pending.clear()
    for (const [id, batch] of batches) send(id, batch.rpc)
  }
  internals.sendRpc = (id, rpc) => {
    // No stream to the peer: gossipsub's own answer (false), and nothing kept.
    if (!streams.has(id)) return send(id, rpc)
    let batch = pending.get(id)
    if (batch === undefined) {
      batch = { rpc: { subscriptions: [], messages: [] }, bytes: 0 }
      pending.set(id, batch)
    }
    merge(batch.rpc, rpc)
    for (const message of rpc.messages) batch.bytes += message.data?.byteLength ?? 0
    if (batch.rpc.messages.length >= RPC_BATCH_MESSAGES || batch.bytes >= RPC_BATCH_BYTES) {
      pending.delete(id)
      return send(id, batch.rpc)
    }
    if (!flushScheduled) {
      flushScheduled = true
      setImmediate(flush)
    }
    return true
  }
}

/** Adds `rpc`'s parts to `into`, after what it holds. */
function merge(into: Rpc, rpc: Rpc): void {
  into.subscriptions.push(...rpc.subscriptions)
  into.messages.push(...rpc.messages)
  const control = rpc.control
  if (control === undefined) return
  into.control ??= { graft: [], prune: [], ihave: [], iwant: [], idontwant: [] }
  for (const kind of CONTROL_KINDS) into.control[kind].push(...(control[kind] ?? []))
}
