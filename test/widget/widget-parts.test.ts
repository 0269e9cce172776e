import { describe, expect, it } from '@jest/globals'
import { MemberColours } from '../../src/ui/member-colours.js'
import { partsOf, safeHref } from '../../src/ui/message-text.js'
import { connectionWords, notSentWords, phaseWords } from '../../src/widget/widget-words.js'

describe("the widget's message text", () => {
  it('links http(s) URLs only, without trailing punctuation', () => {
    expect(partsOf('see https://example.com/a?b=1. then http://x.test/)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. then ' },
      { kind: 'link', text: 'http://x.test/', href: 'http://x.test/' },
      { kind: 'text', text: ')' },
    ])
    for (const hostile of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'JAVASCRIPT://example.com/%0Aalert(1)',
      'vbscript:msgbox',
    ])
      expect(partsOf(hostile).filter((part) => part.kind === 'link')).toEqual([])
    // Credentials in a URL are how look-alike links hide where they go.
    expect(safeHref('https://bank.example@evil.test/')).toBeUndefined()
    expect(safeHref('https://example.com/')).toBe('https://example.com/')
  })

  it('marks mentions, and those of the reader', () => {
    expect(partsOf('hi @z6MkAbcd…wxyz and @someone', ['z6mkabcd…wxyz'])).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@z6MkAbcd…wxyz', you: true },
      { kind: 'text', text: ' and ' },
      { kind: 'mention', text: '@someone', you: false },
    ])
    // An address in a mail is not a mention.
    expect(partsOf('mail me@example.com').some((part) => part.kind === 'mention')).toBe(false)
  })
})

describe("the widget's colours", () => {
  it('never gives two members of a room the same colour, and keeps each', () => {
    const colours = new MemberColours()
    const dids = Array.from({ length: 200 }, (_, i) => `did:key:z6Mk${i}`)
    const given = dids.map((did) => colours.of(did))
    expect(new Set(given).size).toBe(200)
    expect(colours.of(dids[7] ?? '')).toBe(given[7])
  })
})

describe("the widget's words", () => {
  it('names no error and no code to the reader', () => {
    const said = [
      notSentWords({ name: 'RateLimitedError', code: 4900 }),
      notSentWords({ name: 'MessageTooLargeError' }),
      notSentWords(new TypeError('x is undefined')),
      phaseWords({ name: 'ended', reason: 'revoked' }),
      phaseWords({ name: 'denied' }),
      connectionWords('offline', 2),
    ]
    for (const words of said) expect(words).not.toMatch(/Error|\d{4}|undefined/)
    expect(connectionWords('offline', 2)).toBe(
      'Offline: nobody can be reached right now. 2 messages will be sent when it is back.',
    )
    expect(connectionWords('online', 0)).toBeUndefined()
  })
})
