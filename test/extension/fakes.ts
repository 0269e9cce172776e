/** In-memory stand-ins for the browser around the router and the host (unit tests only). */
import type { HostApi } from '../../src/background/host-api.js'
import type { KeyValueStore } from '../../src/background/permissions.js'
import type { PromptWindows } from '../../src/background/prompt-broker.js'
import type { Sender } from '../../src/background/router.js'
import type { Outcome } from '../../src/shared/errors.js'
import type { HostCall } from '../../src/shared/messengers.js'
import type { OwnerSelector } from '../../src/shared/owner.js'

export const EXTENSION_ID = 'ooagbibjfljmjillieabegofkadkdicn'
export const EXTENSION_BASE = `chrome-extension://${EXTENSION_ID}/`
export const SESSION = 'a1b2c3d4e5f6a7b8c9d0e1f2'

export function memoryStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>()
  return {
    data,
    get: async (key) => structuredClone(data.get(key)),
    set: async (key, value) => {
      data.set(key, structuredClone(value))
    },
  }
}

/** A web page's content script in tab 7, as the browser describes its sender. */
export function pageSender(origin: string, tabId = 7, frameId = 0): Sender {
  return { id: EXTENSION_ID, url: `${origin}/app/index.html`, origin, tab: { id: tabId }, frameId }
}

export function extensionSender(page: string): Sender {
  return { id: EXTENSION_ID, url: `${EXTENSION_BASE}${page}` }
}

export class FakeHost implements HostApi {
  readonly calls: HostCall[] = []
  readonly released: OwnerSelector[] = []
  readonly settings: unknown[] = []
  answer: (call: HostCall) => Outcome = (call) => ({ ok: true, result: { echoed: call.method } })
  woken = 0

  async call(call: HostCall): Promise<Outcome> {
    this.calls.push(call)
    return this.answer(call)
  }
  did: HostApi['did'] = async ({ space }) => ({
    ok: true,
    result: `did:key:z6Mk${space.padEnd(44, 'x')}`,
  })
  release: HostApi['release'] = async (selector) => {
    this.released.push(selector)
    return { ok: true, result: 0 }
  }
  applySettings: HostApi['applySettings'] = async (settings) => {
    this.settings.push(settings)
    return { ok: true, result: null }
  }
  status: HostApi['status'] = async () => ({
    ok: false,
    error: { name: 'X', code: 1, message: 'not in tests' },
  })
  async wake(): Promise<void> {
    this.woken++
  }
  /** The popup's requests that reached the host, by method. */
  readonly popupCalls: { kind: string; request?: unknown }[] = []
  private popup<T>(kind: string, result: T, request?: unknown): Promise<Outcome<T>> {
    this.popupCalls.push(request === undefined ? { kind } : { kind, request })
    return Promise.resolve({ ok: true, result })
  }
  roomView: HostApi['roomView'] = (request) =>
    this.popup(
      'roomView',
      {
        ...request,
        did: 'did:key:z6Mkself',
        posts: [],
        latest: 0,
        hidden: 0,
        members: [],
        online: 1,
        typing: [],
        reactions: {},
        tabs: [],
        private: false,
        kept: false,
      },
      request,
    )
  postFromPopup: HostApi['postFromPopup'] = (request) =>
    this.popup('postFromPopup', 'bafypost', request)
  reactFromPopup: HostApi['reactFromPopup'] = (request) =>
    this.popup('reactFromPopup', null, request)
  typingFromPopup: HostApi['typingFromPopup'] = (request) =>
    this.popup('typingFromPopup', true, request)
  leaveRoom: HostApi['leaveRoom'] = (request) => this.popup('leaveRoom', 1, request)
  keepRoom: HostApi['keepRoom'] = (request) => this.popup('keepRoom', request.keep, request)
  keptRooms: HostApi['keptRooms'] = () => this.popup('keptRooms', [])
  roomInvite: HostApi['roomInvite'] = (request) =>
    this.popup('roomInvite', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', request)
  redial: HostApi['redial'] = () => this.popup('redial', null)
  exportPhrase: HostApi['exportPhrase'] = () => this.popup('exportPhrase', 'words')
  importPhrase: HostApi['importPhrase'] = (request) => this.popup('importPhrase', null, request)
  /** Links the host was given, by space, and the sites whose link it was told to end. */
  readonly links: ({ space: string; link: unknown } | { space: string; unlinked: string })[] = []
  linkWallet: HostApi['linkWallet'] = async ({ space, link }) => {
    this.links.push({ space, link })
    return { ok: true, result: '0x' }
  }
  unlinkWallet: HostApi['unlinkWallet'] = async ({ space, domain }) => {
    this.links.push({ space, unlinked: domain })
    return { ok: true, result: null }
  }
}

/** Prompt windows that open instantly; tests answer through the broker. */
export class FakeWindows implements PromptWindows {
  readonly opened: string[] = []
  readonly closed: number[] = []
  async open(url: string): Promise<number> {
    this.opened.push(url)
    return this.opened.length
  }
  async close(windowId: number): Promise<void> {
    this.closed.push(windowId)
  }
  /** The request id in the last prompt page opened. */
  lastRequest(): string {
    return new URL(this.opened.at(-1) ?? 'x:').searchParams.get('request') ?? ''
  }
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
