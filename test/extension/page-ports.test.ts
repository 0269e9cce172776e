import { describe, expect, it } from '@jest/globals'
import { type HostPort, PagePorts } from '../../src/host/page-ports.js'
import type { FromHost } from '../../src/shared/host-port.js'
import { type Owner, ownerFromSender } from '../../src/shared/owner.js'
import { flush, SESSION } from './fakes.js'

const A = 'https://a.example'
const HANDLE = 'h'.repeat(22)

function fakePort(name: string, sender: HostPort['sender']) {
  const sent: FromHost[] = []
  let onMessage: (message: unknown) => void = () => {}
  let onDisconnect: () => void = () => {}
  const port: HostPort = {
    name,
    sender,
    postMessage: (message) => void sent.push(message),
    onMessage: {
      addListener: (listener) => {
        onMessage = listener
      },
    },
    onDisconnect: {
      addListener: (listener) => {
        onDisconnect = listener
      },
    },
  }
  return { port, sent, receive: (m: unknown) => onMessage(m), disconnect: () => onDisconnect() }
}

const pageSender = { tab: { id: 3 }, frameId: 0, origin: A, url: `${A}/` }
const owner: Owner = { tabId: 3, frameId: 0, session: SESSION, origin: A }

describe("pages' ports to the host", () => {
  it('accepts only well-named ports from web pages, and says ready', () => {
    const ports = new PagePorts(async () => null)
    expect(ports.accept(fakePort('ghost-threads-page/x', pageSender).port)).toBe(false)
    expect(ports.accept(fakePort('ghost-threads-events/not-a-session', pageSender).port)).toBe(
      false,
    )
    expect(
      ports.accept(
        fakePort(`ghost-threads-events/${SESSION}`, { url: 'chrome-extension://x/' }).port,
      ),
    ).toBe(false)
    const good = fakePort(`ghost-threads-events/${SESSION}`, pageSender)
    expect(ports.accept(good.port)).toBe(true)
    expect(good.sent).toEqual([{ ready: true }])
  })

  it("decides whose port it is by the router's own rule for calls (ownerFromSender)", () => {
    const senders = [
      pageSender,
      { ...pageSender, origin: 'file://', url: 'file:///tmp/x.html' },
      { ...pageSender, tab: { id: -1 } },
      { frameId: 0, origin: A, url: `${A}/` },
      { ...pageSender, origin: undefined, url: `${A}/path` },
    ]
    const accepted = senders.map((sender) =>
      new PagePorts(async () => null).accept(
        fakePort(`ghost-threads-events/${SESSION}`, sender).port,
      ),
    )
    const owned = senders.map((sender) => {
      try {
        ownerFromSender(sender, SESSION)
        return true
      } catch {
        return false
      }
    })
    expect(accepted).toEqual([true, false, false, false, true])
    expect(accepted).toEqual(owned)
  })

  it("serves a page's thread calls as that page, parsed once here, and answers by id", async () => {
    const served: [Owner, string, unknown][] = []
    const ports = new PagePorts(async (who, call) => {
      served.push([who, call.method, call.params])
      return 'bafyanswer'
    })
    const page = fakePort(`ghost-threads-events/${SESSION}`, pageSender)
    ports.accept(page.port)
    page.receive({ call: { id: 5, method: 'post', params: { thread: HANDLE, message: 'hi' } } })
    page.receive({ call: { id: 6, method: 'joinThread', params: { space: 'chat', room: 'r' } } })
    page.receive({
      call: { id: 7, method: 'post', params: { thread: HANDLE, message: 'hi', extra: 1 } },
    })
    page.receive({ nonsense: true })
    await flush()
    expect(served).toEqual([[owner, 'post', { thread: HANDLE, message: 'hi' }]])
    const replies = page.sent
      .slice(1)
      .sort((a, b) => ('reply' in a && 'reply' in b ? a.reply.id - b.reply.id : 0))
    expect(replies).toEqual([
      { reply: { id: 5, outcome: { ok: true, result: 'bafyanswer' } } },
      {
        reply: { id: 6, outcome: { ok: false, error: expect.objectContaining({ code: -32602 }) } },
      },
      {
        reply: { id: 7, outcome: { ok: false, error: expect.objectContaining({ code: -32602 }) } },
      },
    ])
  })

  it('sends events to the page it knows, not after it disconnected, and never across origins', () => {
    const ports = new PagePorts(async () => null)
    const page = fakePort(`ghost-threads-events/${SESSION}`, pageSender)
    ports.accept(page.port)
    const events = [{ thread: HANDLE, kind: 'user-left' as const, did: 'did:key:z6Mkx' }]
    expect(ports.send({ ...owner, origin: 'https://b.example' }, events)).toBe(false)
    expect(ports.send(owner, events)).toBe(true)
    page.disconnect()
    expect(ports.send(owner, events)).toBe(false)
    expect(page.sent).toEqual([{ ready: true }, { events }])
  })
})
