/**
 * The router (Chrome's service worker, Firefox's background page). It routes between
 * pages, prompt windows and the host; decides who may do what; and holds no room state,
 * so the browser may stop and restart it at any moment: rooms live in the host, pages
 * reconnect, and a call that was in flight fails with 4900 and can simply be retried.
 *
 * Every page's origin comes from the browser's sender record, never from the page.
 */

import { ErrorCode, GhostThreadsError, InvalidArgumentError } from '../core/errors.js'
import { MAX_BLOCKED } from '../shared/constants.js'
import { requireDappRequest } from '../shared/dapp-methods.js'
import {
  type Outcome,
  outcomeOf,
  resultOf,
  toErrorData,
  UnauthorizedError,
} from '../shared/errors.js'
import { isLocalAddress } from '../shared/local-relays.js'
import {
  BlockRequest,
  POPUP_HOST_REQUEST_NAMES,
  type PopupHostRequest,
  parseManage,
  parsePopupRequest,
  TabRef,
} from '../shared/manage-requests.js'
import type {
  ManageProtocol,
  PageCall,
  PageProtocol,
  PromptProtocol,
  RouterProtocol,
} from '../shared/messengers.js'
import { type Owner, ownerFromSender, ownerKey } from '../shared/owner.js'
import { Settings } from '../shared/settings.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import type { HostApi } from './host-api.js'
import { OpenSpaceFlow } from './open-space-flow.js'
import type { PermissionStore } from './permissions.js'
import type { PromptBroker } from './prompt-broker.js'
import { WalletLinks } from './wallet-links.js'

/** The part of chrome.runtime.MessageSender the router trusts. */
export interface Sender {
  id?: string
  url?: string
  origin?: string
  frameId?: number
  tab?: { id?: number }
}

export interface RouterInit {
  host: HostApi
  permissions: PermissionStore
  prompts: PromptBroker
  settings: () => Promise<Settings>
  /** Stores settings; the storage change applies them to the host. */
  saveSettings: (settings: Settings) => Promise<void>
  /** Events to one page's gate; false when that document is gone. */
  sendToPage: (owner: Owner, events: ThreadEvent[]) => Promise<boolean>
  /** Brings a tab (and its window) to the front. */
  showTab: (tabId: number) => Promise<void>
  /** This extension's id and base URL, to tell its own pages from web pages. */
  extensionId: string
  extensionBase: string
}

type Handler<P, K extends keyof P> = P[K] extends (arg: infer A) => infer R
  ? (data: A, sender: Sender) => Promise<R>
  : P[K] extends () => infer R
    ? (data: undefined, sender: Sender) => Promise<R>
    : never

/** The messages the router answers, each with its handler: the map must be complete. */
export type RouterHandlers = { 'page:call': Handler<PageProtocol, 'page:call'> } & {
  [K in keyof RouterProtocol]: Handler<RouterProtocol, K>
} & { [K in keyof PromptProtocol]: Handler<PromptProtocol, K> } & {
  [K in keyof ManageProtocol]: Handler<ManageProtocol, K>
}

type ForwardedHandlers = {
  [K in PopupHostRequest as `manage:${K}`]: Handler<ManageProtocol, `manage:${K}`>
}

export class SenderRefusedError extends GhostThreadsError {
  static override name = 'SenderRefusedError'
  constructor(message: string) {
    super(message, ErrorCode.unauthorized)
  }
}

export class Router {
  private readonly links: WalletLinks
  private readonly spaces: OpenSpaceFlow

  constructor(private readonly init: RouterInit) {
    this.links = new WalletLinks(init)
    this.spaces = new OpenSpaceFlow(init)
  }

  readonly handlers: RouterHandlers = {
    ...this.forwardedToHost(),
    'page:call': (call, sender) => this.pageCall(call, sender),
    'router:deliver': async ({ owner, events }, sender) => {
      this.assertExtensionPage(sender)
      return this.deliver(owner, events)
    },
    'router:settings': async (_none, sender) => {
      this.assertExtensionPage(sender)
      return this.init.settings()
    },
    'prompt:details': async ({ id }, sender) => {
      this.assertExtensionPage(sender, 'prompt.html')
      return this.init.prompts.details(id)
    },
    'prompt:decide': async ({ id, allow }, sender) => {
      this.assertExtensionPage(sender, 'prompt.html')
      return this.init.prompts.decide(id, allow)
    },
    'manage:permissions': async (_none, sender) => {
      this.assertExtensionPage(sender)
      return outcomeOf(() => this.init.permissions.list())
    },
    'manage:revoke': async ({ origin, space }, sender) => {
      this.assertExtensionPage(sender)
      return outcomeOf(async () => {
        await this.revoke(origin, space)
        return null
      })
    },
    'manage:settings': async (_none, sender) => {
      this.assertExtensionPage(sender)
      return outcomeOf(() => this.init.settings())
    },
    'manage:saveSettings': async (settings, sender) => {
      this.assertExtensionPage(sender)
      return outcomeOf(async () => {
        const parsed = parseManage(Settings, settings, 'settings')
        await this.init.saveSettings(parsed)
        return parsed
      })
    },
    'manage:block': async (request, sender) => {
      this.assertExtensionPage(sender)
      return outcomeOf(() => this.block(parseManage(BlockRequest, request, 'block')))
    },
    'manage:identities': async (_none, sender) => {
      this.assertExtensionPage(sender)
      return outcomeOf(() => this.identities())
    },
    'manage:showTab': async (request, sender) => {
      this.assertExtensionPage(sender)
      return outcomeOf(async () => {
        await this.init.showTab(parseManage(TabRef, request, 'tab').tabId)
        return null
      })
    },
  }

  /**
   * The popup's requests the host serves (manage-requests.ts POPUP_HOST_REQUESTS), each
   * from an extension page only, parsed with its schema and forwarded under its name.
   */
  private forwardedToHost(): ForwardedHandlers {
    const entries = POPUP_HOST_REQUEST_NAMES.map((name) => {
      const handler = async (request: unknown, sender: Sender) => {
        this.assertExtensionPage(sender)
        // Each name pairs its schema with the host method of that name; the map loses that.
        const call = this.init.host[name] as (arg: unknown) => Promise<Outcome<unknown>>
        return this.forward(() => call(parsePopupRequest(name, request)))
      }
      return [`manage:${name}`, handler] as const
    })
    return Object.fromEntries(entries) as ForwardedHandlers
  }

  /** Parses in `request` and passes the host's outcome on; a parse failure is an outcome too. */
  private async forward<T>(request: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    try {
      return await request()
    } catch (err) {
      return { ok: false, error: toErrorData(err) }
    }
  }

  private async block({ did, blocked }: BlockRequest): Promise<Settings> {
    const current = await this.init.settings()
    const others = current.blocked.filter((one) => one !== did)
    if (blocked && others.length >= MAX_BLOCKED) {
      throw new InvalidArgumentError(
        `The block list is full (${MAX_BLOCKED} DIDs); unblock someone in Settings first`,
      )
    }
    const next = { ...current, blocked: blocked ? [...others, did] : others }
    await this.init.saveSettings(next)
    return next
  }

  /** The user's DID in every space some site was allowed to use. */
  private async identities(): Promise<{ space: string; did: string }[]> {
    const entries = await this.init.permissions.list()
    const spaces = [
      ...new Set(entries.filter((e) => e.decision === 'allow').map((e) => e.space)),
    ].sort()
    return Promise.all(
      spaces.map(async (space) => ({ space, did: await resultOf(this.init.host.did({ space })) })),
    )
  }

  /** The host's events for one page (Firefox's host calls this directly). */
  deliver(owner: Owner, events: ThreadEvent[]): Promise<boolean> {
    return this.init.sendToPage(owner, events).catch(() => false)
  }

  /** A page's port opened: any earlier document of that frame is gone, with its rooms. */
  async pageConnected(owner: Owner): Promise<void> {
    await this.init.host.release({
      tabId: owner.tabId,
      frameId: owner.frameId,
      exceptSession: owner.session,
    })
  }

  /** A page's port closed while we ran: the page navigated, closed or went into the bfcache. */
  async pageGone(owner: Owner): Promise<void> {
    await this.init.host.release({ owner: ownerKey(owner) })
  }

  async tabRemoved(tabId: number): Promise<void> {
    await this.init.host.release({ tabId })
  }

  /** Forgets a decision and ends what the origin holds in that space right away. */
  async revoke(origin: string, space?: string): Promise<void> {
    await this.init.permissions.revoke(origin, space)
    await this.init.host.release(space === undefined ? { origin } : { origin, space })
  }

  /** The owner of a page's call or port, from the browser's record of who sent it. */
  ownerOf(sender: Sender, session: unknown): Owner {
    return ownerFromSender(sender, session, this.init.extensionBase)
  }

  private async pageCall(call: PageCall, sender: Sender): Promise<Outcome> {
    return outcomeOf(async () => {
      const owner = this.ownerOf(sender, call?.session)
      const parsed = requireDappRequest(call.method, call.params)
      if (parsed.method === 'openSpace')
        return this.spaces.open(owner.origin, parsed.params.space, parsed.params.relays)
      if (parsed.method === 'prepareLink') return this.links.prepare(owner.origin, parsed.params)
      if (parsed.method === 'completeLink') return this.links.complete(owner.origin, parsed.params)
      if (parsed.method === 'unlinkWallet') return this.links.unlink(owner.origin, parsed.params)
      const allowedSpaces = await this.init.permissions.allowedSpaces(owner.origin)
      if (parsed.method === 'joinThread') {
        const { space } = parsed.params
        if (!allowedSpaces.includes(space)) {
          throw new UnauthorizedError(
            `${owner.origin} may not use the space "${space}" yet; call openSpace("${space}") first so the user can allow it`,
          )
        }
      }
      // The host checks thread calls against the same list: it knows each thread's space.
      return resultOf(
        this.init.host.call({
          owner,
          method: parsed.method,
          params: parsed.params,
          allowedSpaces,
          ...(parsed.method === 'joinThread'
            ? await this.joinExtras(owner.origin, parsed.params.space)
            : {}),
        }),
      )
    })
  }

  /**
   * What the host needs with a join: the site's relays and wallet link for the space. A
   * local relay allowed while the user let sites name them is left out once they do not.
   */
  private async joinExtras(origin: string, space: string) {
    const { relays, link: walletLink } = await this.init.permissions.grant(origin, space)
    const { localSiteRelays } = await this.init.settings()
    const spaceRelays = localSiteRelays ? relays : relays.filter((r) => !isLocalAddress(r))
    return { spaceRelays, ...(walletLink === undefined ? {} : { walletLink }) }
  }

  private isExtensionUrl(url: string | undefined): boolean {
    return url?.startsWith(this.init.extensionBase) === true
  }

  private assertExtensionPage(sender: Sender, page?: string): void {
    const fromUs = sender.id === this.init.extensionId && this.isExtensionUrl(sender.url)
    const rightPage =
      page === undefined || sender.url?.startsWith(`${this.init.extensionBase}${page}`)
    if (!fromUs || !rightPage)
      throw new SenderRefusedError('Only the extension’s own pages may send this')
  }
}
