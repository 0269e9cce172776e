/**
 * The content script (isolated world, every http(s) frame, document_start). It wires the
 * gate to the window and to the router, and keeps a port open to the router while the page
 * uses Ghost Threads: the port tells the router when the page goes away (so its rooms are
 * left at once), and its pings keep Firefox's background page awake. When the router
 * restarts, the port breaks and is opened again; nothing else is lost.
 */

import { DisconnectedError, type Outcome, toErrorData } from '../shared/errors.js'
import { type FromHost, isPortMethod, type PortMethod, type ToHost } from '../shared/host-port.js'
import { type PageCall, pageMessenger } from '../shared/messengers.js'
import { EVENTS_PORT_PREFIX, PAGE_PORT_PREFIX, PORT_PING_MS } from '../shared/ports.js'
import { registerHandlers } from '../shared/register-handlers.js'
import { ContentGate, contentHandlers } from './gate.js'

const gate = new ContentGate({
  window,
  origin: location.origin,
  postToPage: (message) => window.postMessage(message, location.origin),
  callRouter: (call) => {
    keepPort()
    keepHostPort()
    if (hostPort?.ready === true && isPortMethod(call.method)) return hostPort.call(call)
    return pageMessenger.sendMessage('page:call', call)
  },
})

if (gate.serves) {
  window.addEventListener('message', (event) => void gate.onWindowMessage(event))
  registerHandlers(contentHandlers(gate))
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted || !connectedOnce) return
    port = undefined
    keepPort()
    gate.onRestored()
  })
}

interface HostPortState {
  ready: boolean
  call(call: PageCall): Promise<Outcome>
}
let hostPort: HostPortState | undefined

/**
 * The port to the host (Chrome's offscreen document): thread events arrive on it, and
 * once the host said it is ready, thread calls on held threads go over it too (see
 * shared/host-port.ts). Where nobody answers it (Firefox), the router does everything.
 */
function keepHostPort(): void {
  if (hostPort !== undefined || chrome.runtime?.id === undefined) return
  const opened = chrome.runtime.connect({ name: `${EVENTS_PORT_PREFIX}${gate.session}` })
  const pending = new Map<number, (outcome: Outcome) => void>()
  let nextId = 1
  const state: HostPortState = {
    ready: false,
    call: (call) =>
      new Promise((resolve) => {
        const id = nextId++
        pending.set(id, resolve)
        const message: ToHost = {
          call: { id, method: call.method as PortMethod, params: call.params },
        }
        opened.postMessage(message)
      }),
  }
  hostPort = state
  opened.onMessage.addListener((message: FromHost) => {
    if ('ready' in message) state.ready = true
    else if ('events' in message && Array.isArray(message.events))
      gate.onEvents({ session: gate.session, events: message.events })
    else if ('reply' in message) {
      pending.get(message.reply.id)?.(message.reply.outcome)
      pending.delete(message.reply.id)
    }
  })
  opened.onDisconnect.addListener(() => {
    // Calls in flight fail with 4900, as the dapp API promises; the page may retry.
    for (const resolve of pending.values())
      resolve({ ok: false, error: toErrorData(new DisconnectedError()) })
    pending.clear()
    if (hostPort !== state) return
    hostPort = undefined
    // The host document was closed (or the extension updated): reconnect once it is back.
    setTimeout(keepHostPort, 500)
  })
}

let port: chrome.runtime.Port | undefined
let connectedOnce = false
let ping: ReturnType<typeof setInterval> | undefined

function keepPort(): void {
  if (port !== undefined || chrome.runtime?.id === undefined) return
  const opened = chrome.runtime.connect({ name: `${PAGE_PORT_PREFIX}${gate.session}` })
  port = opened
  connectedOnce = true
  clearInterval(ping)
  ping = setInterval(() => opened.postMessage('ping'), PORT_PING_MS)
  opened.onDisconnect.addListener(() => {
    clearInterval(ping)
    if (port !== opened) return
    port = undefined
    // The router restarted (or the extension was updated, then runtime.id is gone).
    setTimeout(keepPort, 100)
  })
}
