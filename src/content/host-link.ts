/**
 * The content gate's port to the host (Chrome's offscreen document): the page's thread
 * events arrive on it, and once the host said it is ready, calls on threads the page holds
 * go over it too (see shared/host-port.ts). Where nobody answers it (Firefox), `ready`
 * stays false and the router does everything. Reconnects when the host document returns.
 */

import { DisconnectedError, type Outcome, toErrorData } from '../shared/errors.js'
import type { FromHost, PortMethod, ToHost } from '../shared/host-port.js'
import type { PageCall } from '../shared/messengers.js'
import { EVENTS_PORT_PREFIX } from '../shared/ports.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import { HOST_RECONNECT_MS } from './constants.js'

export class HostLink {
  private port: chrome.runtime.Port | undefined
  private readonly pending = new Map<number, (outcome: Outcome) => void>()
  private nextId = 1
  ready = false

  constructor(
    private readonly session: string,
    private readonly onEvents: (events: ThreadEvent[]) => void,
  ) {}

  keep(): void {
    if (this.port !== undefined || chrome.runtime?.id === undefined) return
    const opened = chrome.runtime.connect({ name: `${EVENTS_PORT_PREFIX}${this.session}` })
    this.port = opened
    this.ready = false
    opened.onMessage.addListener((message: FromHost) => {
      if ('ready' in message) this.ready = true
      else if ('events' in message && Array.isArray(message.events)) this.onEvents(message.events)
      else if ('reply' in message) {
        this.pending.get(message.reply.id)?.(message.reply.outcome)
        this.pending.delete(message.reply.id)
      }
    })
    opened.onDisconnect.addListener(() => {
      // Calls in flight fail with 4900, as the dapp API promises; the page may retry.
      for (const resolve of this.pending.values())
        resolve({ ok: false, error: toErrorData(new DisconnectedError()) })
      this.pending.clear()
      if (this.port !== opened) return
      this.port = undefined
      this.ready = false
      setTimeout(() => this.keep(), HOST_RECONNECT_MS)
    })
  }

  call(call: PageCall & { method: PortMethod }): Promise<Outcome> {
    const port = this.port
    if (port === undefined)
      return Promise.resolve({ ok: false, error: toErrorData(new DisconnectedError()) })
    return new Promise((resolve) => {
      const id = this.nextId++
      this.pending.set(id, resolve)
      const message: ToHost = { call: { id, method: call.method, params: call.params } }
      port.postMessage(message)
    })
  }
}
