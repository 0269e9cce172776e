import { describe, expect, it } from '@jest/globals'
import { PEER_PENALTY } from '../../src/net/constants.js'
import { PeerPenalties } from '../../src/net/peer-penalties.js'

describe('peer penalties', () => {
  it('cost nothing within the allowance, then one point of score each', () => {
    const penalties = new PeerPenalties({ allowance: 3, now: () => 0 })
    for (let i = 0; i < 3; i++) penalties.add('QmA')
    expect(penalties.score('QmA')).toBe(0)
    penalties.add('QmA')
    penalties.add('QmA')
    expect(penalties.score('QmA')).toBe(-2)
    expect(penalties.score('QmB')).toBe(0)
  })

  it('halve every half-life, so a peer that stops is forgiven', () => {
    let now = 0
    const penalties = new PeerPenalties({ allowance: 0, halfLifeMs: 1_000, now: () => now })
    for (let i = 0; i < 8; i++) penalties.add('QmA')
    expect(penalties.score('QmA')).toBe(-8)
    now = 1_000
    expect(penalties.score('QmA')).toBeCloseTo(-4)
    now = 3_000
    expect(penalties.score('QmA')).toBeCloseTo(-1)
    // New points add to what is left, not to the old total.
    penalties.add('QmA')
    expect(penalties.score('QmA')).toBeCloseTo(-2)
  })

  it('count the peers below a threshold (the relay metric)', () => {
    const penalties = new PeerPenalties({ now: () => 0 })
    const graylist = PEER_PENALTY.thresholds.graylistThreshold
    for (let i = 0; i < PEER_PENALTY.allowance + 1; i++) penalties.add('QmPruned')
    for (let i = 0; i < PEER_PENALTY.allowance - graylist + 1; i++) penalties.add('QmGray')
    expect(penalties.countBelow(0)).toBe(2)
    expect(penalties.countBelow(graylist)).toBe(1)
  })

  it('forget the oldest peers past their bound: throw-away ids cannot grow memory', () => {
    const penalties = new PeerPenalties({ allowance: 0, maxPeers: 2, now: () => 0 })
    for (const peer of ['Qm1', 'Qm2', 'Qm3', 'Qm4', 'Qm5']) penalties.add(peer)
    expect(penalties.score('Qm5')).toBe(-1)
    expect(penalties.score('Qm1')).toBe(0)
  })
})
