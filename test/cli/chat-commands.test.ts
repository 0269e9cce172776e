import { describe, expect, it } from '@jest/globals'
import { parseChatLine } from '../../src/cli/chat-commands.js'
import { TERMINAL_LINE_LIMIT } from '../../src/cli/constants.js'

describe('parseChatLine', () => {
  it('posts plain lines, trimmed', () => {
    expect(parseChatLine('  hello there ')).toEqual({ kind: 'post', text: 'hello there' })
    expect(parseChatLine('   ')).toEqual({ kind: 'none' })
  })

  it('reads /dm with the text after the DID, spaces kept', () => {
    expect(parseChatLine('/dm did:key:z6Mkabc hi  there')).toEqual({
      kind: 'dm',
      to: 'did:key:z6Mkabc',
      text: 'hi  there',
    })
  })

  it('refuses a /dm without a DID or text, and unknown commands', () => {
    for (const line of ['/dm', '/dm did:key:z6Mkabc', '/dm bob hi'])
      expect(parseChatLine(line)).toMatchObject({
        kind: 'error',
        message: expect.stringContaining('usage: /dm'),
      })
    expect(parseChatLine('/shrug')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('/help'),
    })
  })

  it('knows /members, /help and /quit', () => {
    expect(parseChatLine('/members').kind).toBe('members')
    expect(parseChatLine('/help').kind).toBe('help')
    expect(parseChatLine('/quit').kind).toBe('quit')
  })

  it('refuses a typed line the terminal may have cut (4,095 characters), but not a piped one', () => {
    const long = 'x'.repeat(TERMINAL_LINE_LIMIT)
    expect(parseChatLine(long, { typed: true })).toEqual({
      kind: 'error',
      message: expect.stringMatching(
        /^not sent: the terminal cuts a typed line at 4,095 characters/,
      ),
    })
    expect(parseChatLine('x'.repeat(TERMINAL_LINE_LIMIT - 1), { typed: true })).toEqual({
      kind: 'post',
      text: 'x'.repeat(TERMINAL_LINE_LIMIT - 1),
    })
    expect(parseChatLine(long)).toEqual({ kind: 'post', text: long })
  })
})
