/**
 * The content gate's port to the router, open while the page uses Ghost Threads. Its
 * closing tells the router the page went away (navigation, tab closed, back/forward cache)
 * so the page's rooms are left at once; its pings keep Firefox's background page awake.
 * When the router restarts (Chrome stops idle service workers) it breaks and is reopened.
 */
import { PORT_PING_MS } from '../shared/constants.js'
import { PAGE_PORT_PREFIX } from '../shared/ports.js'
import { ROUTER_RECONNECT_MS } from './constants.js'

export class RouterPort {
  private port: chrome.runtime.Port | undefined
  private ping: ReturnType<typeof setInterval> | undefined
  /** Whether the page ever used us: only then does a bfcache restore matter. */
  usedOnce = false

  constructor(private readonly session: string) {}

  keep(): void {
    if (this.port !== undefined || chrome.runtime?.id === undefined) return
    const opened = chrome.runtime.connect({ name: `${PAGE_PORT_PREFIX}${this.session}` })
    this.port = opened
    this.usedOnce = true
    clearInterval(this.ping)
    this.ping = setInterval(() => opened.postMessage('ping'), PORT_PING_MS)
    opened.onDisconnect.addListener(() => {
      clearInterval(this.ping)
      if (this.port !== opened) return
      this.port = undefined
      // The router restarted (or the extension was updated, then runtime.id is gone).
      setTimeout(() => this.keep(), ROUTER_RECONNECT_MS)
    })
  }

  /** After a bfcache restore the old port is dead whether or not we heard of it. */
  reopen(): void {
    this.port = undefined
    this.keep()
  }
}
