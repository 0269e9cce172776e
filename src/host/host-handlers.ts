/**
 * The messages the host answers, each checked to come from the extension's own background
 * (a content script can send runtime messages too, and must never reach the host directly).
 */
import { outcomeOf } from '../shared/errors.js'
import type { HostProtocol } from '../shared/messengers.js'
import type { GhostHost } from './ghost-host.js'
import { REVOKED } from './thread-leases.js'

export interface HostSender {
  id?: string
  url?: string
  tab?: unknown
}

type Handlers = {
  [K in keyof HostProtocol]: (
    data: Parameters<HostProtocol[K]>[0],
    sender: HostSender,
  ) => Promise<ReturnType<HostProtocol[K]>>
}

export class HostSenderRefusedError extends Error {
  static override name = 'HostSenderRefusedError'
  override name = HostSenderRefusedError.name
}

export function hostHandlers(
  host: GhostHost,
  isBackground: (sender: HostSender) => boolean,
): Handlers {
  const check = (sender: HostSender): void => {
    if (!isBackground(sender)) throw new HostSenderRefusedError('Only the router may call the host')
  }
  return {
    'host:call': async ({ owner, method, params, allowedSpaces }, sender) => {
      check(sender)
      return outcomeOf(() => host.call(owner, method, params, allowedSpaces))
    },
    'host:did': async ({ space }, sender) => {
      check(sender)
      return outcomeOf(() => host.did(space))
    },
    'host:release': async (selector, sender) => {
      check(sender)
      // An origin is released when the user revoked it; anything else when a page went away.
      return outcomeOf(() => host.release(selector, 'origin' in selector ? REVOKED : 'page-gone'))
    },
    'host:settings': async (settings, sender) => {
      check(sender)
      return outcomeOf(async () => {
        await host.applySettings(settings)
        return null
      })
    },
    'host:status': async (_none, sender) => {
      check(sender)
      return outcomeOf(() => host.status())
    },
    'host:room': async (request, sender) => {
      check(sender)
      return outcomeOf(() => host.roomView(request))
    },
    'host:post': async (request, sender) => {
      check(sender)
      return outcomeOf(() => host.postFromPopup(request))
    },
    'host:leave': async (request, sender) => {
      check(sender)
      return outcomeOf(() => host.leaveRoom(request))
    },
    'host:redial': async (_none, sender) => {
      check(sender)
      return outcomeOf(async () => {
        await host.redial()
        return null
      })
    },
    'host:export-phrase': async (_none, sender) => {
      check(sender)
      return outcomeOf(() => host.exportPhrase())
    },
    'host:import-phrase': async ({ phrase }, sender) => {
      check(sender)
      return outcomeOf(async () => {
        await host.importPhrase(phrase)
        return null
      })
    },
  }
}
