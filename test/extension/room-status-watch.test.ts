import { describe, expect, it } from '@jest/globals'
import type { GhostThread } from '../../src/core/ghost-thread.js'
import { CONNECTING_GRACE_MS } from '../../src/host/constants.js'
import { RoomStatusWatch, roomConnection } from '../../src/host/room-status-watch.js'
import type { Lease } from '../../src/host/thread-leases.js'
import type { RoomLink } from '../../src/net/space-network.js'
import type { ThreadEvent } from '../../src/shared/thread-events.js'

const USER_RELAY = '/dns4/relay.example/tcp/443/wss/p2p/12D3KooWUser'
const SITE_RELAY = '/dns4/site.example/tcp/443/wss/p2p/12D3KooWSite'

function link(over: Partial<RoomLink> = {}): RoomLink {
  return {
    relays: [
      { address: USER_RELAY, connected: false, site: false },
      { address: SITE_RELAY, connected: false, site: true },
    ],
    peers: 0,
    directPeers: 0,
    ...over,
  }
}

const connectedRelays = link().relays.map((relay) => ({ ...relay, connected: true }))

describe("a room's connection as its page hears it", () => {
  it('names only the relays the site chose; the user’s own are counted', () => {
    const shown = roomConnection(
      link({
        relays: [
          { address: USER_RELAY, connected: true, site: false },
          { address: SITE_RELAY, connected: false, site: true },
        ],
        peers: 1,
      }),
      { joinedAtMs: 0, firstPeerMs: 300 },
      1_000,
    )
    expect(shown).toEqual({
      state: 'online',
      relays: { connected: 1, total: 2 },
      siteRelays: [{ address: SITE_RELAY, connected: false }],
      peers: 1,
      directPeers: 0,
      firstPeerMs: 300,
      posting: 'sent',
    })
    expect(JSON.stringify(shown)).not.toContain('relay.example')
  })

  it('is connecting until the grace runs out with nobody reached, then offline; offline at once after being online', () => {
    const fresh = { joinedAtMs: 1_000, firstPeerMs: null }
    expect(roomConnection(link(), fresh, 1_000 + CONNECTING_GRACE_MS - 1).state).toBe('connecting')
    expect(roomConnection(link(), fresh, 1_000 + CONNECTING_GRACE_MS).state).toBe('offline')
    expect(roomConnection(link(), { joinedAtMs: 1_000, firstPeerMs: 200 }, 1_500).state).toBe(
      'offline',
    )
    // A relay with nobody in the room yet: online, and a post waits for a subscriber.
    const alone = roomConnection(link({ relays: connectedRelays }), fresh, 1_200)
    expect(alone).toMatchObject({ state: 'online', posting: 'queued' })
  })
})

describe('the status watch', () => {
  function watched() {
    let nowMs = 10_000
    let current = link()
    const told: [string, ThreadEvent][] = []
    const thread = { isOpen: true } as GhostThread
    const leases = [
      { handle: 'tab-1', thread },
      { handle: 'tab-2', thread },
    ] as Lease[]
    const watch = new RoomStatusWatch({
      leases: () => leases,
      link: async () => current,
      tell: (lease, event) => told.push([lease.handle, event]),
      now: () => nowMs,
      checkMs: 60_000,
    })
    return {
      watch,
      thread,
      told,
      leases,
      at: (ms: number) => {
        nowMs = 10_000 + ms
      },
      set: (next: RoomLink) => {
        current = next
      },
      states: () =>
        told.map(([handle, e]) => `${handle}:${e.kind === 'status' ? e.connection.state : e.kind}`),
    }
  }

  it('tells each lease once per change, fixes the time to the first peer, and stops with no lease left', async () => {
    const room = watched()
    room.watch.watch(room.thread)
    await room.watch.check()
    expect(room.states()).toEqual(['tab-1:connecting', 'tab-2:connecting'])
    room.at(700)
    room.set(link({ relays: connectedRelays, peers: 2 }))
    await room.watch.check()
    await room.watch.check()
    expect(room.states().slice(2)).toEqual(['tab-1:online', 'tab-2:online'])
    const online = room.told.at(-1)?.[1]
    expect(online).toMatchObject({ connection: { firstPeerMs: 700, peers: 2, posting: 'sent' } })
    // The relays go: offline at the next read, the first peer's time kept.
    room.at(5_000)
    room.set(link())
    await room.watch.check()
    expect(room.told.at(-1)?.[1]).toMatchObject({
      connection: { state: 'offline', firstPeerMs: 700, posting: 'queued' },
    })
    room.leases.splice(0)
    const before = room.told.length
    await room.watch.check()
    expect(room.told.length).toBe(before)
  })

  it('a room that never reached anyone turns offline when the grace runs out', async () => {
    const room = watched()
    room.watch.watch(room.thread)
    await room.watch.check()
    room.at(CONNECTING_GRACE_MS)
    await room.watch.check()
    expect(room.states()).toEqual([
      'tab-1:connecting',
      'tab-2:connecting',
      'tab-1:offline',
      'tab-2:offline',
    ])
    room.watch.stop()
  })
})
