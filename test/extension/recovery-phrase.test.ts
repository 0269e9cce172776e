import { describe, expect, it } from '@jest/globals'
import { Mnemonic } from 'ethers'
import { generateSeed } from '../../src/core/identity.js'
import { phraseToSeed, seedToPhrase } from '../../src/host/recovery-phrase.js'

describe('the recovery phrase', () => {
  it('is 24 BIP-39 words that give back the same seed, whatever the spacing and case', () => {
    const seed = generateSeed()
    const phrase = seedToPhrase(seed)
    expect(phrase.split(' ')).toHaveLength(24)
    expect(Mnemonic.isValidMnemonic(phrase)).toBe(true)
    expect(phraseToSeed(phrase)).toEqual(seed)
    expect(phraseToSeed(`  ${phrase.toUpperCase().replaceAll(' ', ' \n ')}  `)).toEqual(seed)
  })

  it('refuses a wrong word count, an unknown word and a bad checksum, by name', () => {
    const words = seedToPhrase(generateSeed()).split(' ')
    const swapped = [...words.slice(0, 23), words[23] === 'zoo' ? 'abandon' : 'zoo'].join(' ')
    const cases = [
      [words.slice(0, 12).join(' '), /has 24 words; this one has 12/],
      [[...words.slice(0, 23), 'notaword'].join(' '), /Word 24 \("notaword"\) is not in/],
      [swapped, /checksum/],
      ['', /has 24 words; this one has 0/],
    ] as const
    for (const [phrase, message] of cases) {
      expect(() => phraseToSeed(phrase)).toThrow(
        expect.objectContaining({
          name: 'InvalidRecoveryPhraseError',
          code: -32602,
          message: expect.stringMatching(message),
        }),
      )
    }
  })
})
