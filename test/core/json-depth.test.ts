import { runInNewContext } from 'node:vm'
import { describe, expect, it } from '@jest/globals'
import { nestsDeeperThan, notJsonAt } from '../../src/core/json-depth.js'

describe('what a page may hand over as JSON', () => {
  it('says where a value is no JSON value', () => {
    expect(notJsonAt({ thread: 'h', message: { text: 'hi', n: [1, true, null] } })).toBeUndefined()
    expect(notJsonAt({ message: Number.NaN })).toBe('message')
    expect(notJsonAt({ message: { list: [1, Number.POSITIVE_INFINITY] } })).toBe('message.list.1')
    expect(notJsonAt({ message: undefined })).toBe('message')
    expect(notJsonAt({ message: new Date(0) })).toBe('message')
    expect(notJsonAt({ message: new Map() })).toBe('message')
    expect(notJsonAt({ message: () => 1 })).toBe('message')
    expect(notJsonAt({ message: 10n })).toBe('message')
    expect(notJsonAt(Object.create(null))).toBeUndefined()
  })

  it("takes plain objects and arrays made in another realm (Firefox hands a content script the page's)", () => {
    const fromPage = runInNewContext(
      '({ thread: "h", message: { list: [1, 2], at: new Date(0) } })',
    )
    expect(Object.getPrototypeOf(fromPage)).not.toBe(Object.prototype)
    expect(notJsonAt(fromPage)).toBe('message.at')
    expect(
      notJsonAt(runInNewContext('({ thread: "h", message: { list: [1, 2] } })')),
    ).toBeUndefined()
  })

  it('walks any depth with its own stack', () => {
    const deep = JSON.parse(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)
    expect(nestsDeeperThan(deep, 32)).toBe(true)
    expect(notJsonAt(deep)).toBeUndefined()
  })
})
