/**
 * What our patches to @libp2p/yamux (patches/, applied by `npm ci`) change:
 * - a stream opened as its connection closes must not crash the process (run in a child
 *   process, as the crash takes the whole process down);
 * - a receiver grants more window once half of it is used, not after every data frame
 *   (a frame back for every small gossip message was ~12% of a crowd peer's CPU).
 */
import { spawnSync } from 'node:child_process'
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Stream } from '@libp2p/interface'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { yamux } from '@libp2p/yamux'
import { TSX_ARGS } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'

describe('a yamux stream opened as its connection closes', () => {
  it('leaves the Node process running', () => {
    const run = spawnSync(process.execPath, [...TSX_ARGS, 'test/fixtures/yamux-close-race.ts'], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect({ status: run.status, stdout: run.stdout.trim(), stderr: run.stderr }).toEqual({
      status: 0,
      stdout: 'survived',
      stderr: '',
    })
  }, 40_000)
})

const cleanups: (() => void)[] = []
const afterEnd = (cleanup: () => void) => cleanups.push(cleanup)
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

describe('a yamux receiver', () => {
  it('sends window updates once half the window is used, not one per message', async () => {
    const [outbound, inbound] = multiaddrConnectionPair()
    const client = yamux()().createStreamMuxer(outbound)
    const server = yamux()().createStreamMuxer(inbound)
    let received = 0
    let receivedBytes = 0
    server.addEventListener('stream', ({ detail }: CustomEvent<Stream>) => {
      detail.addEventListener('message', ({ data }) => {
        received++
        receivedBytes += data.byteLength
      })
    })
    afterEnd(() => {
      client.abort(new Error('done'))
      server.abort(new Error('done'))
    })
    const stream = await client.createStream()
    stream.send(new Uint8Array(1))
    await waitFor(() => received === 1, { what: 'the stream to open' })
    let framesBack = 0
    const send = inbound.send.bind(inbound)
    inbound.send = (data) => {
      framesBack++
      return send(data)
    }
    // 100 gossip-sized messages, one at a time: 60 KB, under half the 256 KiB window.
    for (let i = 0; i < 100; i++) {
      stream.send(new Uint8Array(600))
      await waitFor(() => received === i + 2, { what: `message ${i + 1}` })
    }
    expect(framesBack).toBe(0)
    // Past half the window an update goes out, and the sender is never stalled.
    for (let i = 0; i < 300; i++) stream.send(new Uint8Array(600))
    await waitFor(() => receivedBytes === 1 + 400 * 600, { what: 'all 240 KB' })
    expect(framesBack).toBeGreaterThanOrEqual(1)
    expect(framesBack).toBeLessThanOrEqual(3)
  })
})
