/**
 * The content script (isolated world, every http(s) frame, document_start). It wires the
 * gate to the window and to the router, and keeps a port open to the router while the page
 * uses Ghost Threads: the port tells the router when the page goes away (so its rooms are
 * left at once), and its pings keep Firefox's background page awake. When the router
 * restarts, the port breaks and is opened again; nothing else is lost.
 */
import { pageMessenger } from '../shared/messengers.js'
import { EVENTS_PORT_PREFIX, PAGE_PORT_PREFIX, PORT_PING_MS } from '../shared/ports.js'
import { registerHandlers } from '../shared/register-handlers.js'
import type { ThreadEvent } from '../shared/thread-events.js'
import { ContentGate, contentHandlers } from './gate.js'

const gate = new ContentGate({
  window,
  origin: location.origin,
  postToPage: (message) => window.postMessage(message, location.origin),
  callRouter: (call) => {
    keepPort()
    keepEventPort()
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

let eventPort: chrome.runtime.Port | undefined

/** Events straight from the host (Chrome's offscreen document); the router is the fallback. */
function keepEventPort(): void {
  if (eventPort !== undefined || chrome.runtime?.id === undefined) return
  const opened = chrome.runtime.connect({ name: `${EVENTS_PORT_PREFIX}${gate.session}` })
  eventPort = opened
  opened.onMessage.addListener((message: { events?: ThreadEvent[] }) => {
    if (Array.isArray(message?.events))
      gate.onEvents({ session: gate.session, events: message.events })
  })
  opened.onDisconnect.addListener(() => {
    if (eventPort !== opened) return
    eventPort = undefined
    // The host document was closed (or the extension updated): reconnect once it is back.
    setTimeout(keepEventPort, 500)
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
