/**
 * What a relay keeps of a private room it cannot read (sealed-log.ts): the last presence
 * interval and the newest few beyond it, within a byte cap, and when it may say that is
 * all the room said.
 */
import { describe, expect, it } from '@jest/globals'
import { base64url } from 'multiformats/bases/base64'
import { SealedLog, sealedAnswer } from '../../src/core/sealed-log.js'

const envelope = (n: number, size = 100) => new Uint8Array(size).fill(n % 256)

describe('a private room at its relay', () => {
  it('keeps every envelope of the window, and the newest few past it', () => {
    const log = new SealedLog(true, { windowMs: 1_000, minEntries: 3, maxBytes: 1e6 })
    for (let n = 0; n < 10; n++) log.add(envelope(n), n * 100)
    expect(log.envelopes()).toHaveLength(10)
    expect(log.complete).toBe(true)
    // 5 s later: only the newest 3 are left, and the log no longer holds all of the room.
    log.expire(5_000)
    expect(log.envelopes().map((bytes) => bytes[0])).toEqual([7, 8, 9])
    expect(log.heldBytes).toBe(300)
    expect(log.complete).toBe(false)
  })

  it("keeps each client's newest envelopes of each size past the newest few, and all of another relay's", () => {
    const log = new SealedLog(true, { windowMs: 60_000, minEntries: 2, maxBytes: 1e6, perSlot: 1 })
    // Alice beats three times (same size), types twice (smaller); bob beats once; a relay
    // hands over one of its members' beats (no source: not ours to tell apart).
    log.add(envelope(1, 200), 0, 'alice')
    log.add(envelope(2, 200), 1, 'alice')
    log.add(envelope(3, 50), 2, 'alice')
    log.add(envelope(4, 200), 3, 'bob')
    log.add(envelope(5, 200), 4)
    log.add(envelope(6, 200), 5, 'alice')
    log.add(envelope(7, 50), 6, 'alice')
    // Alice's newest of each size, bob's, the relay's, and the newest two whatever they are.
    expect(log.envelopes().map((bytes) => bytes[0])).toEqual([4, 5, 6, 7])
    expect(log.heldBytes).toBe(650)
    expect(log.complete).toBe(false)
    // By default the newest few of a slot stay: a presence is not lost to two seen marks.
    const roomy = new SealedLog(true, { windowMs: 60_000, minEntries: 0, maxBytes: 1e6 })
    for (const [n, at] of [
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 4],
    ] as const)
      roomy.add(envelope(n, 100), at, 'alice')
    expect(roomy.envelopes().map((bytes) => bytes[0])).toEqual([2, 3, 4, 5])
  })

  it('lets the oldest go past its byte cap, and says the bytes it freed', () => {
    const log = new SealedLog(true, { windowMs: 60_000, minEntries: 1, maxBytes: 250 })
    expect(log.add(envelope(1), 0)).toBe(100)
    expect(log.add(envelope(2), 1)).toBe(100)
    // The third goes over 250: the first goes, so the log holds what it held.
    expect(log.add(envelope(3), 2)).toBe(0)
    expect(log.envelopes().map((bytes) => bytes[0])).toEqual([2, 3])
    expect(log.evict()).toBe(200)
    expect(log.envelopes()).toEqual([])
  })

  it('vouches only when it heard the room from its start', () => {
    expect(new SealedLog(false).complete).toBe(false)
    const log = new SealedLog(true)
    log.add(envelope(1), 0)
    log.vouchNoMore()
    expect(log.complete).toBe(false)
  })

  it('answers with the newest envelopes that fit, complete only when nothing was cut', () => {
    const log = new SealedLog(true, { windowMs: 60_000, minEntries: 1, maxBytes: 1e6 })
    for (let n = 0; n < 5; n++) log.add(envelope(n), n * 1_000)
    const all = sealedAnswer(log, undefined, 10_000)
    expect(all).toEqual({
      entries: log.envelopes().map((e) => base64url.baseEncode(e)),
      complete: true,
    })
    // Room for three in base64url (134 characters and 3 of JSON each, 64 spare).
    const cut = sealedAnswer(log, undefined, 64 + 3 * 137)
    expect('entries' in cut && cut.entries.map((e) => base64url.baseDecode(e)[0])).toEqual([
      2, 3, 4,
    ])
    expect('complete' in cut).toBe(false)
    // A latecomer's follow-up: only what came from then on, never "complete".
    expect(sealedAnswer(log, 3, 10_000)).toEqual({
      entries: log.envelopes(3_000).map((e) => base64url.baseEncode(e)),
    })
  })
})
