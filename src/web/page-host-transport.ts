/**
 * The provider's transport when no extension is installed: the host (the same GhostHost
 * and browser-role libp2p network the extension's offscreen document runs) lives in this
 * page. What differs from the extension, and why:
 * - Identity: one seed per site, in this site's own IndexedDB. The site's scripts can
 *   read it (the extension keeps its seed where no page reaches); README says so.
 * - No permission prompt: the site is the only one using this identity, so `openSpace`
 *   answers at once. `joinThread` still needs the space opened first, as in the extension.
 * - One node per site: the first tab takes a Web Lock and runs it; another tab of the site
 *   is told so by name (PageHostBusyError) rather than starting a second node.
 */

import { createSeedIdentity } from '../core/identity.js'
import { siteOf } from '../core/wallet-link.js'
import { GhostHost } from '../host/ghost-host.js'
import { startLibp2pNetwork } from '../host/libp2p-network.js'
import { loadOrCreateSeed } from '../host/seed-store.js'
import { ProviderRpcError, type ProviderTransport } from '../inpage/page-channel.js'
import { isSpaceCall, requireDappRequest } from '../shared/dapp-methods.js'
import { PageHostBusyError, toErrorData, UnauthorizedError } from '../shared/errors.js'
import { LinkDrafts } from '../shared/link-drafts.js'
import type { Owner } from '../shared/owner.js'
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.js'
import type { ThreadEvent } from '../shared/thread-events.js'

/** The Web Lock one tab of a site holds while its page host runs. */
export const PAGE_HOST_LOCK = 'ghost-threads-page-host'

export interface PageHostOptions {
  /** Relay multiaddrs (each ending in `/p2p/<id>`); default: the project's defaults. */
  relays?: string[]
  /** Private and loopback relay addresses (development); default true, as in the extension. */
  allowPrivateAddresses?: boolean
}

export interface PageHostTransport extends ProviderTransport {
  /** Whether peers are reached directly over WebRTC, or through relays only. */
  readonly webrtc: boolean
}

/** Takes the site's lock, or fails by name when another tab holds it. */
async function holdSiteLock(): Promise<void> {
  const locks = (navigator as { locks?: LockManager }).locks
  // Without Web Locks (old browsers) each tab runs its own node: two peers, one DID.
  if (locks === undefined) return
  const granted = await new Promise<boolean>((resolve) => {
    void locks.request(PAGE_HOST_LOCK, { ifAvailable: true }, (lock) => {
      resolve(lock !== null)
      // Held for as long as the page lives.
      return lock === null ? undefined : new Promise<void>(() => {})
    })
  })
  if (!granted) throw new PageHostBusyError()
}

export async function startPageHost(options: PageHostOptions = {}): Promise<PageHostTransport> {
  await holdSiteLock()
  const webrtc = typeof globalThis.RTCPeerConnection === 'function'
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    relays: options.relays ?? DEFAULT_SETTINGS.relays,
    allowPrivateAddresses: options.allowPrivateAddresses ?? DEFAULT_SETTINGS.allowPrivateAddresses,
    // The site is the host here: the relays it names are its own choice, as its page is.
    localSiteRelays: options.allowPrivateAddresses ?? DEFAULT_SETTINGS.allowPrivateAddresses,
  }
  const identity = createSeedIdentity(await loadOrCreateSeed())
  const listeners: ((events: ThreadEvent[]) => void)[] = []
  const owner: Owner = {
    tabId: 0,
    frameId: 0,
    session: crypto.randomUUID().replaceAll('-', ''),
    origin: location.origin,
  }
  const host = new GhostHost({
    identity,
    network: startLibp2pNetwork(identity, settings, webrtc),
    settings: Promise.resolve(settings),
    deliver: async (_owner, events) => {
      for (const listener of listeners) listener(events)
      return true
    },
  })
  const opened = new Set<string>()
  /** Relays the page named per space at openSpace (the page host's user is the site). */
  const named = new Map<string, string[]>()

  /** Link messages composed, waiting for the page's wallet to sign. */
  const drafts = new LinkDrafts()

  const serve = async (method: string, params: unknown): Promise<unknown> => {
    const call = requireDappRequest(method, params)
    if (call.method === 'openSpace') {
      const { space, relays = [] } = call.params
      opened.add(space)
      named.set(space, [...new Set([...(named.get(space) ?? []), ...relays])])
      return { space, did: await host.did(space) }
    }
    if (isSpaceCall(call) && !opened.has(call.params.space))
      throw new UnauthorizedError(`call openSpace("${call.params.space}") first`)
    // Wallet links: the site is this identity's only user, so its wallet's prompt is the only one.
    if (call.method === 'prepareLink') {
      const did = await host.did(call.params.space)
      return { message: drafts.compose(location.origin, { ...call.params, did }) }
    }
    if (call.method === 'completeLink') {
      const { space, signature } = call.params
      const { message } = drafts.awaiting(location.origin, space)
      // The host checks the link as every receiver will; a refused one leaves the draft.
      const address = await host.links.linkWallet({ space, link: { message, signature } })
      drafts.done(location.origin, space)
      return { address }
    }
    if (call.method === 'unlinkWallet') {
      await host.links.unlinkWallet({
        space: call.params.space,
        domain: siteOf(location.origin) ?? '',
      })
      return null
    }
    const spaceRelays = call.method === 'joinThread' ? named.get(call.params.space) : undefined
    return host.call(owner, call.method, call.params, [...opened], spaceRelays)
  }

  return {
    webrtc,
    async request(method, params) {
      try {
        return await serve(method, params)
      } catch (err) {
        // The same shape a dapp gets from the extension: name, code and message.
        throw new ProviderRpcError(toErrorData(err))
      }
    },
    onEvents: (listener) => void listeners.push(listener),
    // Nothing here drops the page's threads behind its back: the host lives and dies with it.
    onReset: () => undefined,
  }
}
