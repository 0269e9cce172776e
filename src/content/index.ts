/**
 * The content script (isolated world, every http(s) frame, document_start): the gate,
 * wired to the window, to the router (one-shot calls, and a port for the page's lifetime)
 * and to the host (a port for events and calls on held threads).
 */
import { registerHandlers } from '../shared/register-handlers.js'
import { afterRestore, routeCalls } from './call-routes.js'
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
  callRouter: routeCalls(host, routerPort),
})

if (gate.serves) {
  window.addEventListener('message', (event) => void gate.onWindowMessage(event))
  registerHandlers(contentHandlers(gate))
  window.addEventListener(
    'pageshow',
    afterRestore(routerPort, () => gate.onRestored()),
  )
}
