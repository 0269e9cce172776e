/**
 * Firefox's background page: the router and the host in one context (it has a DOM and
 * RTCPeerConnection, and no offscreen API). The host is called directly, not by message.
 */

import { createHost } from '../host/create-host.js'
import type { GhostHost } from '../host/ghost-host.js'
import { REVOKED } from '../host/thread-leases.js'
import { outcomeOf } from '../shared/errors.js'
import { readSettings } from '../shared/settings.js'
import { chromeLocalStore } from './chrome-storage.js'
import type { HostApi } from './host-api.js'
import { SETTINGS_KEY, startRouter } from './start-router.js'

let host: GhostHost | undefined
let router: ReturnType<typeof startRouter> | undefined

function running(): GhostHost {
  host ??= createHost({
    settings: async () => readSettings(await chromeLocalStore.get(SETTINGS_KEY)),
    deliver: (owner, events) => router?.deliver(owner, events) ?? Promise.resolve(false),
  })
  return host
}

const inProcess: HostApi = {
  call: (call) =>
    outcomeOf(() => running().call(call.owner, call.method, call.params, call.allowedSpaces)),
  did: (space) => outcomeOf(() => running().did(space)),
  status: () => outcomeOf(() => running().status()),
  room: (request) => outcomeOf(() => running().roomView(request)),
  post: (request) => outcomeOf(() => running().postFromPopup(request)),
  leave: (request) => outcomeOf(() => running().leaveRoom(request)),
  redial: () =>
    outcomeOf(async () => {
      await running().redial()
      return null
    }),
  exportPhrase: () => outcomeOf(() => running().exportPhrase()),
  importPhrase: ({ phrase }) =>
    outcomeOf(async () => {
      await running().importPhrase(phrase)
      return null
    }),
  release: async (selector) => {
    await host?.release(selector, 'origin' in selector ? REVOKED : 'page-gone')
  },
  applySettings: async (settings) => {
    await host?.applySettings(settings)
  },
  wake: async () => {
    running()
  },
}

router = startRouter(inProcess)
