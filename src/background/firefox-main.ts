/**
 * Firefox's background page: the router and the host in one context (it has a DOM and
 * RTCPeerConnection, and no offscreen API). The host is called directly, not by message.
 */

import { createHost } from '../host/create-host.js'
import type { GhostHost } from '../host/ghost-host.js'
import { hostEndpoint, invokeOn } from '../host/host-handlers.js'
import { hostClient, ONLY_IF_RUNNING } from '../shared/host-protocol.js'
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

/** The contract in-process: the same dispatcher the offscreen host answers messages with. */
const inProcess: HostApi = {
  ...hostClient(async (method, arg) => {
    if (ONLY_IF_RUNNING.has(method) && host === undefined) return { ok: true, result: null }
    return invokeOn(hostEndpoint(running()), { method, arg })
  }),
  wake: async () => {
    running()
  },
}

router = startRouter(inProcess)
