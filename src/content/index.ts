/**
 * The content script (isolated world, every http(s) frame, document_start): the gate,
 * wired to the window, to the router (one-shot calls, and a port for the page's lifetime)
 * and to the host (a port for events and calls on held threads).
 */
import { isPortMethod } from '../shared/host-port.js'
import { pageMessenger } from '../shared/messengers.js'
import { registerHandlers } from '../shared/register-handlers.js'
import { ContentGate, contentHandlers, newSession } from './gate.js'
import { HostLink } from './host-link.js'
import { RouterPort } from './router-port.js'

const session = newSession()
const routerPort = new RouterPort(session)
const host = new HostLink(session, (events) => gate.onEvents({ session, events }))

const gate = new ContentGate({
  session,
  window,
  origin: location.origin,
  postToPage: (message) => window.postMessage(message, location.origin),
  callRouter: (call) => {
    routerPort.keep()
    host.keep()
    if (host.ready && isPortMethod(call.method)) return host.call({ ...call, method: call.method })
    return pageMessenger.sendMessage('page:call', call)
  },
})

if (gate.serves) {
  window.addEventListener('message', (event) => void gate.onWindowMessage(event))
  registerHandlers(contentHandlers(gate))
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted || !routerPort.usedOnce) return
    routerPort.reopen()
    gate.onRestored()
  })
}
