import { describe, expect, it } from '@jest/globals'
import { ArrivalOrder } from '../../src/core/arrival-order.js'

/** A promise and the function that settles it, for checks that end when the test says. */
function later<T>() {
  let settle: (value: T) => void = () => undefined
  let fail: (error: Error) => void = () => undefined
  const promise = new Promise<T>((resolve, reject) => {
    settle = resolve
    fail = reject
  })
  return { promise, settle, fail }
}

describe('ArrivalOrder', () => {
  it('handles messages in the order they came, whatever order their checks end in', async () => {
    const order = new ArrivalOrder()
    const handled: string[] = []
    const checks = ['one', 'two', 'three'].map(() => later<string>())
    const done = checks.map((check) =>
      order.take(check.promise, async (text) => {
        handled.push(text)
        return text.length
      }),
    )
    checks[2]?.settle('three')
    checks[1]?.settle('two')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(handled).toEqual([]) // 'one' is still being checked
    checks[0]?.settle('one')
    expect(await Promise.all(done)).toEqual([3, 3, 5])
    expect(handled).toEqual(['one', 'two', 'three'])
  })

  it('does not let a message pass one before it whose check threw, nor wait for a handler that awaits', async () => {
    const order = new ArrivalOrder()
    const handled: string[] = []
    const first = later<string>()
    const broken = later<string>()
    const slow = later<void>()
    const a = order.take(first.promise, async (text) => {
      handled.push(text)
      await slow.promise // a rotation moving the room
    })
    const b = order.take(broken.promise, async (text) => {
      handled.push(text)
    })
    const c = order.take(Promise.resolve('third'), async (text) => {
      handled.push(text)
    })
    broken.fail(new Error('malformed'))
    await expect(b).rejects.toThrow('malformed')
    expect(handled).toEqual([])
    first.settle('first')
    await c
    expect(handled).toEqual(['first', 'third'])
    slow.settle()
    await a
  })
})
