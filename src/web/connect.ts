/**
 * `connect()`: the Ghost Threads provider for a dapp, with or without the extension. The
 * extension's provider when it is installed (it announces itself; we ask and wait a
 * moment), else the same API with its host in this page (page-host-transport.ts), so a
 * mobile dapp browser that cannot install extensions still chats.
 */

import { InvalidArgumentError } from '../core/errors.js'
import { GhostThreadsProvider } from '../inpage/provider.js'
import { DEFAULT_EXTENSION_WAIT_MS } from './constants.js'
import { type PageHostOptions, startPageHost } from './page-host-transport.js'

export interface ConnectOptions extends PageHostOptions {
  /** How long to wait for the extension to announce itself (default 300 ms). */
  extensionWaitMs?: number
  /** `page` skips the extension even when installed (tests, or a dapp's own choice). */
  use?: 'auto' | 'page'
}

export interface Connection {
  provider: GhostThreadsProvider
  /** Where the host runs: the extension, or this page. */
  kind: 'extension' | 'page'
  /** Page host only: whether peers link directly (WebRTC) or through relays only. */
  webrtc?: boolean
}

/** Every option connect() takes: another is refused, never ignored. */
const CONNECT_OPTIONS: ReadonlyArray<keyof ConnectOptions> = [
  'relays',
  'allowPrivateAddresses',
  'extensionWaitMs',
  'use',
]

/** The extension's provider, if it announces itself within `waitMs`. */
function extensionProvider(waitMs: number): Promise<GhostThreadsProvider | undefined> {
  const present = (window as { ghostThreads?: GhostThreadsProvider }).ghostThreads
  if (present?.isGhostThreads === true) return Promise.resolve(present)
  return new Promise((resolve) => {
    const onAnnounce = (event: Event) => {
      const provider = (event as CustomEvent<{ provider?: GhostThreadsProvider }>).detail?.provider
      if (provider?.isGhostThreads !== true) return
      done(provider)
    }
    const timer = setTimeout(() => done(undefined), waitMs)
    const done = (provider: GhostThreadsProvider | undefined) => {
      clearTimeout(timer)
      window.removeEventListener('ghostThreads:announceProvider', onAnnounce)
      resolve(provider)
    }
    window.addEventListener('ghostThreads:announceProvider', onAnnounce)
    window.dispatchEvent(new Event('ghostThreads:requestProvider'))
  })
}

export async function connect(options: ConnectOptions = {}): Promise<Connection> {
  const unknown = Object.keys(options ?? {}).filter(
    (key) => !(CONNECT_OPTIONS as readonly string[]).includes(key),
  )
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `connect() does not take the option ${unknown.join(', ')}: its options are ${CONNECT_OPTIONS.join(', ')}`,
    )
  }
  if (options.use !== 'page') {
    const provider = await extensionProvider(options.extensionWaitMs ?? DEFAULT_EXTENSION_WAIT_MS)
    if (provider !== undefined) return { provider, kind: 'extension' }
  }
  const transport = await startPageHost(options)
  return { provider: new GhostThreadsProvider(transport), kind: 'page', webrtc: transport.webrtc }
}
