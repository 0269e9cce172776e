/**
 * The master seed as a BIP-39 recovery phrase (ethers' Mnemonic): 32 bytes of entropy are
 * 24 English words with a checksum, so a mistyped word is caught before it replaces anyone's
 * identity. Only the host turns a seed into words and back.
 */

import { Mnemonic, wordlists } from 'ethers'
import { SEED_BYTES } from '../core/constants.js'
import { InvalidRecoveryPhraseError } from '../shared/errors.js'

export function seedToPhrase(seed: Uint8Array): string {
  return Mnemonic.entropyToPhrase(seed)
}

/** The seed of a phrase; spacing and letter case do not matter. */
export function phraseToSeed(phrase: string): Uint8Array {
  const trimmed = phrase.trim().toLowerCase()
  const words = trimmed === '' ? [] : trimmed.split(/\s+/)
  if (words.length !== 24) {
    throw new InvalidRecoveryPhraseError(
      `A Ghost Threads recovery phrase has 24 words; this one has ${words.length}. Check it against what you wrote down`,
    )
  }
  const unknown = words.findIndex((word) => wordlists.en?.getWordIndex(word) === -1)
  if (unknown >= 0) {
    throw new InvalidRecoveryPhraseError(
      `Word ${unknown + 1} ("${words[unknown]}") is not in the recovery word list; check its spelling`,
    )
  }
  const normal = words.join(' ')
  if (!Mnemonic.isValidMnemonic(normal)) {
    throw new InvalidRecoveryPhraseError(
      'These words do not fit together (the checksum does not match): a word is wrong or out of place. Check each word against what you wrote down',
    )
  }
  const hex = Mnemonic.phraseToEntropy(normal)
  const seed = Uint8Array.from(hex.slice(2).match(/../g) ?? [], (byte) => Number.parseInt(byte, 16))
  if (seed.length !== SEED_BYTES) throw new InvalidRecoveryPhraseError()
  return seed
}
