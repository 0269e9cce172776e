/**
 * What our patch to @libp2p/websockets (patches/, applied by `npm ci`) changes: frames a
 * Node process sends on one connection in one turn of the event loop go to its socket as
 * one write. A relay forwarding each message to each member wrote one frame per system
 * call, which was most of its CPU in a busy room (issue 26).
 */
import { Socket } from 'node:net'
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import type { Libp2p, Stream } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { rawNodeParts } from '../helpers/raw-node.js'
import { waitFor } from '../helpers/wait.js'

const PROTOCOL = '/ghost-threads-test/burst/1.0.0'
const BURST = 50

const wsNode = (listen: string[] = []) => createLibp2p(rawNodeParts(listen))

const nodes: Libp2p[] = []
afterEach(async () => {
  jest.restoreAllMocks()
  await Promise.all(nodes.splice(0).map((node) => node.stop()))
})

/** A stream from a node listening on 127.0.0.1 to another node, both ends open. */
async function streamPair(): Promise<{ sending: Stream; receiving: Stream }> {
  const listening = await wsNode(['/ip4/127.0.0.1/tcp/0/ws'])
  const dialing = await wsNode()
  nodes.push(listening, dialing)
  let sending: Stream | undefined
  await listening.handle(PROTOCOL, (stream: Stream) => {
    sending = stream
  })
  const receiving = await dialing.dialProtocol(listening.getMultiaddrs(), PROTOCOL)
  // The stream is only opened on the listening side once the first data arrives.
  receiving.send(new Uint8Array([1]))
  await waitFor(() => sending !== undefined, { what: 'the listening side of the stream' })
  return { sending: sending as Stream, receiving }
}

describe('a Node WebSocket connection', () => {
  it('writes what one turn sends as one system call, and every frame arrives', async () => {
    const { sending, receiving } = await streamPair()
    let bytes = 0
    receiving.addEventListener('message', ({ data }) => {
      bytes += data.byteLength
    })
    const writes = [
      jest.spyOn(Socket.prototype as unknown as { _writev: () => void }, '_writev'),
      jest.spyOn(Socket.prototype as unknown as { _write: () => void }, '_write'),
    ]
    for (let i = 0; i < BURST; i++) sending.send(new Uint8Array(600).fill(i))
    await waitFor(() => bytes === BURST * 600, { what: `${BURST} frames of 600 bytes` })
    const calls = writes.reduce((sum, spy) => sum + spy.mock.calls.length, 0)
    // Without the patch: a write of its own for every frame (50 or more).
    expect(calls).toBeGreaterThan(0)
    expect(calls).toBeLessThanOrEqual(3)
  })

  it('still writes a frame sent alone at once, without waiting for another', async () => {
    const { sending, receiving } = await streamPair()
    const arrived: number[] = []
    receiving.addEventListener('message', ({ data }) => {
      arrived.push(data.byteLength)
    })
    for (let i = 1; i <= 3; i++) {
      sending.send(new Uint8Array(i * 100))
      await waitFor(() => arrived.length === i, { what: `frame ${i}` })
    }
    expect(arrived).toEqual([100, 200, 300])
  })
})
