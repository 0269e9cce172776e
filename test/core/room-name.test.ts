import { describe, expect, it } from '@jest/globals'
import {
  assertValidName,
  InvalidNameError,
  isTopic,
  parseTopic,
  topicFor,
} from '../../src/core/index.js'

describe('room names', () => {
  it('builds the 3IP-9 topic, versioned: 3box.chat.v2.<space>.<room>', () => {
    expect(topicFor('my-dapp', 'trollbox_1')).toBe('3box.chat.v2.my-dapp.trollbox_1')
    expect(parseTopic('3box.chat.v2.my-dapp.trollbox_1')).toEqual({
      space: 'my-dapp',
      room: 'trollbox_1',
    })
    expect(isTopic('3box.chat.v2.a.b')).toBe(true)
    // A v1 topic is another room: v1 peers never reach v2 rooms.
    expect(isTopic('3box.chat.a.b')).toBe(false)
  })

  it('accepts 1 to 64 characters of [A-Za-z0-9_-]', () => {
    expect(() => assertValidName('room', 'a')).not.toThrow()
    expect(() => assertValidName('room', 'x'.repeat(64))).not.toThrow()
    expect(() => assertValidName('space', 'Az09_-')).not.toThrow()
  })

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(65)],
    ['a dot (would forge another topic)', 'a.b'],
    ['a space', 'hello world'],
    ['a slash', 'a/b'],
    ['non-ASCII', 'café'],
    ['a newline', 'a\nb'],
  ])('rejects %s with InvalidNameError', (_what, name) => {
    expect(() => topicFor('space', name)).toThrow(InvalidNameError)
    expect(() => topicFor(name, 'room')).toThrow(InvalidNameError)
  })

  it('rejects names that are not strings, saying so', () => {
    expect(() => assertValidName('room', 42)).toThrow(/room name must be a string, got number/)
    expect(() => assertValidName('space', undefined)).toThrow(InvalidNameError)
  })

  it('gives dapps an error code and a message that says what to do', () => {
    try {
      topicFor('ok', 'not ok')
      throw new Error('unreachable')
    } catch (err) {
      expect((err as InvalidNameError).name).toBe('InvalidNameError')
      expect((err as InvalidNameError).code).toBe(-32602)
      expect((err as Error).message).toMatch(/1–64 characters of A-Z, a-z, 0-9, _ and -/)
    }
  })

  it('does not parse foreign topics', () => {
    expect(parseTopic('3box.ghost.a.b')).toBeUndefined()
    expect(parseTopic('3box.chat.v2.a.b.c')).toBeUndefined()
    expect(isTopic(null)).toBe(false)
  })
})

describe('named errors', () => {
  it('carry their class name, survive minification and stay instanceof', async () => {
    const errors = await import('../../src/core/errors.js')
    for (const [exported, ErrorClass] of Object.entries(errors)) {
      if (typeof ErrorClass !== 'function' || !exported.endsWith('Error')) continue
      const error = new (ErrorClass as new () => Error & { code: number })()
      expect({ exported, name: error.name }).toEqual({ exported, name: exported })
      expect(error).toBeInstanceOf(errors.GhostThreadsError)
      expect(typeof error.code).toBe('number')
    }
  })
})
