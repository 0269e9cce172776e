/**
 * Firefox's host, in the background page itself (it has a DOM and RTCPeerConnection, and
 * no offscreen API): the contract served in-process by the same dispatcher the offscreen
 * host answers messages with. The host starts on its first call; calls that would only
 * start it for nothing (`ONLY_IF_RUNNING`) are answered at once while it is not running.
 */
import type { GhostHost } from '../host/ghost-host.js'
import { hostEndpoint, invokeOn } from '../host/host-handlers.js'
import { hostClient, ONLY_IF_RUNNING } from '../shared/host-protocol.js'
import type { HostApi } from './host-api.js'

export function inProcessHost(start: () => GhostHost): HostApi {
  let host: GhostHost | undefined
  const running = (): GhostHost => {
    host ??= start()
    return host
  }
  return {
    ...hostClient(async (method, arg) => {
      if (ONLY_IF_RUNNING.has(method) && host === undefined) return { ok: true, result: null }
      return invokeOn(hostEndpoint(running()), { method, arg })
    }),
    wake: async () => {
      running()
    },
  }
}
