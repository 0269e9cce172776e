/**
 * One relay process per test file, and the peers a test starts, stopped after the file.
 * The relay must exit cleanly on SIGTERM (code 0) every time.
 */
import { afterAll, beforeAll, expect } from '@jest/globals'
import { type NetPeer, type NetPeerInit, startNetPeer, stopAll } from './net-peer.js'
import type { RawNode } from './raw-node.js'
import { RelayProcess, type RelayProcessInit } from './relay-process.js'

export interface RelayFixture {
  readonly relay: RelayProcess
  readonly peers: NetPeer[]
  /** Starts a peer on this relay in `room`, stopped with the fixture. */
  join(room: string, init?: Partial<NetPeerInit>): Promise<NetPeer>
}

export function useRelay(init: RelayProcessInit = {}): RelayFixture {
  let relay: RelayProcess | undefined
  const peers: NetPeer[] = []
  beforeAll(async () => {
    relay = await RelayProcess.start(init)
  })
  afterAll(async () => {
    await stopAll(peers)
    const code = await relay?.stop()
    // The relay's own words say why when it did not exit cleanly.
    expect({ code, output: code === 0 ? '' : relay?.output }).toEqual({ code: 0, output: '' })
  })
  return {
    get relay() {
      if (relay === undefined) throw new Error('the relay starts in beforeAll')
      return relay
    },
    peers,
    async join(room, peerInit = {}) {
      const peer = await startNetPeer({ relays: [this.relay.address], room, ...peerInit })
      peers.push(peer)
      return peer
    },
  }
}

export interface RelaysFixture {
  /** The relay processes, started before the file's tests (not meshed with each other). */
  readonly relays: RelayProcess[]
  /** Peers and raw attacker nodes a test starts: stopped after the file, before the relays. */
  readonly peers: NetPeer[]
  readonly raws: RawNode[]
}

/** `count` relay processes for a file, and what its tests start on them, all ended after it. */
export function useRelays(count: number): RelaysFixture {
  const relays: RelayProcess[] = []
  const peers: NetPeer[] = []
  const raws: RawNode[] = []
  beforeAll(async () => {
    relays.push(...(await Promise.all(Array.from({ length: count }, () => RelayProcess.start()))))
  })
  afterAll(async () => {
    await Promise.all(raws.map((raw) => raw.stop()))
    await stopAll(peers)
    // A relay a test stopped on purpose has exited already; every one must have exited cleanly.
    expect(await Promise.all(relays.map((relay) => relay.stop()))).toEqual(relays.map(() => 0))
  })
  return { relays, peers, raws }
}
