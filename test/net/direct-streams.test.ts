/**
 * The direct protocols on real libp2p streams, fed bad input by a plain libp2p node:
 * an oversized frame is cut off without an answer, a malformed request gets a named
 * error, and the peer keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { noise } from '@libp2p/noise'
import { lpStream } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import { DIRECT_PROTOCOL, MAX_JWT_BYTES } from '../../src/core/constants.js'
import { type NetPeer, startNetPeer, stopAll } from '../helpers/net-peer.js'

describe('direct protocol streams', () => {
  let peer: NetPeer
  let raw: Libp2p

  beforeAll(async () => {
    peer = await startNetPeer({ relays: [], room: 'streams', listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    raw = await createLibp2p({
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    })
  })

  afterAll(async () => {
    await raw.stop()
    await stopAll([peer])
  })

  async function ask(data: Uint8Array): Promise<string> {
    const stream = await raw.dialProtocol(peer.node.libp2p.getMultiaddrs(), DIRECT_PROTOCOL)
    const frames = lpStream(stream, { maxDataLength: 1 << 20 })
    await frames.write(data)
    const answer = await frames.read({ signal: AbortSignal.timeout(3_000) })
    return new TextDecoder().decode(answer.subarray())
  }

  it('answers a malformed request with a named error', async () => {
    expect(JSON.parse(await ask(new TextEncoder().encode('not a jwt')))).toEqual({
      ok: false,
      error: 'malformed-jwt',
    })
  })

  it('cuts off a frame above the limit without answering, and keeps serving', async () => {
    await expect(ask(new Uint8Array(MAX_JWT_BYTES + 1))).rejects.toThrow()
    expect(JSON.parse(await ask(new TextEncoder().encode('still here?'))).ok).toBe(false)
  })
})
