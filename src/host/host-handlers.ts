/**
 * The host's side of its contract (shared/host-protocol.ts): the one map from each
 * declared method to GhostHost, and the dispatcher every hop ends in. In Chrome the
 * offscreen document answers `host:invoke` messages, checked to come from the extension's
 * own background (a content script can send runtime messages too, and must never reach
 * the host directly); in Firefox the router calls the same dispatcher in-process.
 */

import { ErrorCode, GhostThreadsError } from '../core/errors.js'
import { InvalidRequestError, type Outcome, outcomeOf } from '../shared/errors.js'
import { type HostEndpoint, type HostInvocation, isHostMethod } from '../shared/host-protocol.js'
import type { HostProtocol } from '../shared/messengers.js'
import type { GhostHost } from './ghost-host.js'
import { POPUP_ROOM_METHODS } from './popup-rooms.js'
import { SPACE_LINK_METHODS } from './space-links.js'

export interface HostSender {
  id?: string
  url?: string
  tab?: unknown
}

export class HostSenderRefusedError extends GhostThreadsError {
  static override name = 'HostSenderRefusedError'
  constructor(message: string) {
    super(message, ErrorCode.unauthorized)
  }
}

export function hostEndpoint(host: GhostHost): HostEndpoint {
  return {
    call: ({ owner, method, params, allowedSpaces, spaceRelays, walletLink }) =>
      host.call(owner, method, params, allowedSpaces, spaceRelays, walletLink),
    ...served(host.links, SPACE_LINK_METHODS),
    did: ({ space }) => host.did(space),
    // An origin is released when the user revoked it; anything else when a page went away.
    release: (selector) => host.release(selector, 'origin' in selector ? 'revoked' : 'page-gone'),
    applySettings: async (settings) => {
      await host.applySettings(settings)
      return null
    },
    ...served(host.popup, POPUP_ROOM_METHODS),
    redial: async () => {
      await host.redial()
      return null
    },
    exportPhrase: () => host.exportPhrase(),
    importPhrase: async ({ phrase }) => {
      await host.importPhrase(phrase)
      return null
    },
  }
}

/** The named methods of `part`, bound to it: a part of the host serving its share as it is. */
function served<T extends object, K extends keyof T>(part: T, names: readonly K[]): Pick<T, K> {
  return Object.fromEntries(
    names.map((name) => [name, (part[name] as (...args: unknown[]) => unknown).bind(part)]),
  ) as Pick<T, K>
}

/** Serves one invocation: a method of the contract, answered as an Outcome. */
export function invokeOn(endpoint: HostEndpoint, invocation: unknown): Promise<Outcome> {
  return outcomeOf(async () => {
    const { method, arg } = (invocation ?? {}) as Partial<HostInvocation>
    if (!isHostMethod(method))
      throw new InvalidRequestError(`The host has no method ${JSON.stringify(method)}`)
    return (endpoint[method] as (arg: unknown) => Promise<unknown>)(arg)
  })
}

type Handlers = {
  [K in keyof HostProtocol]: (
    data: Parameters<HostProtocol[K]>[0],
    sender: HostSender,
  ) => Promise<ReturnType<HostProtocol[K]>>
}

/** Whether a message came from this extension's own background (the router), by its URL. */
export function fromBackground(
  extensionId: string,
  backgroundUrl: string,
): (sender: HostSender) => boolean {
  return (sender) => sender.id === extensionId && sender.url === backgroundUrl
}

/** The offscreen host's message handlers: the router's calls only. */
export function hostHandlers(
  endpoint: HostEndpoint,
  isBackground: (sender: HostSender) => boolean,
): Handlers {
  return {
    'host:invoke': async (invocation, sender) => {
      if (!isBackground(sender))
        throw new HostSenderRefusedError('Only the router may call the host')
      return invokeOn(endpoint, invocation)
    },
  }
}
