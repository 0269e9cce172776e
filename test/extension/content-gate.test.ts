import { describe, expect, it } from '@jest/globals'
import { ContentGate, type GateEnvironment } from '../../src/content/gate.js'
import type { Outcome } from '../../src/shared/errors.js'
import type { PageCall } from '../../src/shared/messengers.js'
import { TO_EXTENSION, TO_PAGE, type ToPage } from '../../src/shared/page-wire.js'

const ORIGIN = 'https://dapp.example'
const HANDLE = 'h'.repeat(22)

function gateWith(
  answer: (call: PageCall) => Promise<Outcome> = async () => ({ ok: true, result: 'fine' }),
  origin = ORIGIN,
) {
  const page = { name: 'the page window' }
  const posted: ToPage[] = []
  const calls: PageCall[] = []
  const env: GateEnvironment = {
    window: page,
    origin,
    postToPage: (message) => posted.push(message),
    callRouter: async (call) => {
      calls.push(call)
      return answer(call)
    },
  }
  const gate = new ContentGate(env)
  const send = (data: unknown, source: unknown = page, from = origin) =>
    gate.onWindowMessage({ source, origin: from, data })
  return { gate, page, posted, calls, send }
}

const request = (method: unknown, params: unknown, id: unknown = 1) => ({
  tag: TO_EXTENSION,
  id,
  method,
  params,
})

describe('the content gate', () => {
  it('forwards a valid call with its session and posts the answer back under the same id', async () => {
    const { gate, posted, calls, send } = gateWith()
    await send(request('openSpace', { space: 'chat' }, 41))
    expect(calls).toEqual([
      { session: gate.session, method: 'openSpace', params: { space: 'chat' } },
    ])
    expect(posted).toEqual([{ tag: TO_PAGE, id: 41, result: 'fine' }])
  })

  it('ignores what another window, another origin, another tag or a bad id sent', async () => {
    const { posted, calls, send } = gateWith()
    const valid = request('openSpace', { space: 'chat' })
    await send(valid, { name: 'an iframe' })
    await send(valid, undefined, 'https://evil.example')
    await send({ ...valid, tag: TO_PAGE })
    await send({ ...valid, tag: 'metamask' })
    await send(request('openSpace', { space: 'chat' }, 'one'))
    await send(request('openSpace', { space: 'chat' }, -1))
    await send(request('openSpace', { space: 'chat' }, 1.5))
    await send('a string')
    await send(null)
    expect(calls).toEqual([])
    expect(posted).toEqual([])
  })

  it('serves nothing to opaque origins (sandboxed frames, data: URLs)', async () => {
    const { gate, posted, calls, send } = gateWith(undefined, 'null')
    expect(gate.serves).toBe(false)
    await send(request('openSpace', { space: 'chat' }))
    expect([calls, posted]).toEqual([[], []])
  })

  it.each([
    ['an unknown method', request('eth_sendTransaction', {}), 'UnsupportedMethodError', 4200],
    [
      'an oversized request',
      request('post', { thread: HANDLE, message: 'x'.repeat(40_000) }),
      'InvalidRequestError',
      -32602,
    ],
    [
      'a request nested 2,500 deep',
      request('post', {
        thread: HANDLE,
        message: JSON.parse(`${'['.repeat(2_500)}${']'.repeat(2_500)}`),
      }),
      'InvalidRequestError',
      -32602,
    ],
    [
      'a request that is not JSON',
      request('post', { thread: HANDLE, message: 10n }),
      'InvalidRequestError',
      -32602,
    ],
    // JSON would carry these on as null and as text: refused before they cross.
    [
      'a NaN',
      request('post', { thread: HANDLE, message: Number.NaN }),
      'InvalidRequestError',
      -32602,
    ],
    [
      'a Date',
      request('post', { thread: HANDLE, message: { at: new Date(0) } }),
      'InvalidRequestError',
      -32602,
    ],
    [
      'an undefined',
      request('post', { thread: HANDLE, message: undefined }),
      'InvalidRequestError',
      -32602,
    ],
  ])('refuses %s with its code, without calling the router', async (_what, data, name, code) => {
    const { posted, calls, send } = gateWith()
    await send(data)
    expect(calls).toEqual([])
    expect(posted).toEqual([
      { tag: TO_PAGE, id: 1, error: expect.objectContaining({ name, code }) },
    ])
  })

  it('leaves the shape of params to the router, which parses every call (the content script carries no schema)', async () => {
    const { posted, calls, send } = gateWith()
    await send(request('openSpace', { space: '../etc' }))
    await send(request('openSpace', { space: 'chat', origin: 'https://a.example' }))
    expect(calls.map((call) => call.params)).toEqual([
      { space: '../etc' },
      { space: 'chat', origin: 'https://a.example' },
    ])
    // What the router answers is what the page gets (router.test: it refuses both by name).
    expect(posted).toHaveLength(2)
  })

  it('answers 4900 when the router went away mid-call', async () => {
    const { posted, send } = gateWith(async () => {
      throw new Error('The message port closed before a response was received.')
    })
    await send(request('listMembers', { thread: HANDLE }, 7))
    expect(posted).toEqual([
      {
        tag: TO_PAGE,
        id: 7,
        error: expect.objectContaining({ name: 'DisconnectedError', code: 4900 }),
      },
    ])
  })

  it("passes events to the page only when they are this document's", () => {
    const { gate, posted } = gateWith()
    const events = [{ thread: HANDLE, kind: 'user-joined' as const, did: 'did:key:z6Mkx' }]
    expect(gate.onEvents({ session: 'an-earlier-document', events })).toBe(false)
    expect(posted).toEqual([])
    expect(gate.onEvents({ session: gate.session, events })).toBe(true)
    expect(posted).toEqual([{ tag: TO_PAGE, events }])
  })

  it('tells the page to rejoin after a back/forward cache restore', () => {
    const { gate, posted } = gateWith()
    gate.onRestored()
    expect(posted).toEqual([{ tag: TO_PAGE, reset: true }])
  })
})
