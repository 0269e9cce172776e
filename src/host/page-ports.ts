/**
 * Pages' ports to the host (Chrome). A content gate connects to the extension; the
 * offscreen document accepts the ports named for it and then (see shared/host-port.ts)
 * pushes the page's thread events straight to it, and answers its thread calls: one hop
 * instead of two, and no dependence on the service worker being awake. The browser's
 * sender record says which page a port belongs to. A page without a port uses the router.
 */
import { type ParsedCall, requireDappRequest } from '../shared/dapp-methods.js'
import { InvalidRequestError, type Outcome, outcomeOf } from '../shared/errors.js'
import { type FromHost, isPortMethod, type PortMethod, type ToHost } from '../shared/host-port.js'
import { type Owner, ownerFromSender, ownerKey } from '../shared/owner.js'
import { EVENTS_PORT_PREFIX } from '../shared/ports.js'
import type { ThreadEvent } from '../shared/thread-events.js'

export interface HostPort {
  name: string
  sender?: { tab?: { id?: number }; frameId?: number; origin?: string; url?: string }
  postMessage(message: FromHost): void
  onMessage: { addListener(listener: (message: unknown) => void): void }
  onDisconnect: { addListener(listener: () => void): void }
}

/** A page's call on a thread it holds, parsed: the host serves it as it is. */
export type PortCall = Extract<ParsedCall, { method: PortMethod }>

/** Serves a page's thread call; the lease the call names must be that page's. */
export type PageCallHandler = (owner: Owner, call: PortCall) => Promise<unknown>

export class PagePorts {
  private readonly ports = new Map<string, { port: HostPort; owner: Owner }>()

  constructor(private readonly serve: PageCallHandler) {}

  /** Takes a newly connected port if it is a page's host port; false otherwise. */
  accept(port: HostPort): boolean {
    if (!port.name.startsWith(EVENTS_PORT_PREFIX)) return false
    let owner: Owner
    try {
      // The router's own rule for a page's calls, so a port serves exactly the pages it does.
      owner = ownerFromSender(port.sender ?? {}, port.name.slice(EVENTS_PORT_PREFIX.length))
    } catch {
      return false
    }
    const key = ownerKey(owner)
    this.ports.set(key, { port, owner })
    port.onMessage.addListener((message) => void this.answer(port, owner, message))
    port.onDisconnect.addListener(() => {
      if (this.ports.get(key)?.port === port) this.ports.delete(key)
    })
    port.postMessage({ ready: true })
    return true
  }

  /** Sends on the page's own port; false when it has none (the caller uses the router). */
  send(owner: Owner, events: ThreadEvent[]): boolean {
    const held = this.ports.get(ownerKey(owner))
    if (held === undefined || held.owner.origin !== owner.origin) return false
    try {
      held.port.postMessage({ events })
      return true
    } catch {
      this.ports.delete(ownerKey(owner))
      return false
    }
  }

  private async answer(port: HostPort, owner: Owner, message: unknown): Promise<void> {
    const call = (message as Partial<ToHost> | null)?.call
    if (typeof call?.id !== 'number') return
    const outcome: Outcome = await outcomeOf(async () => {
      // The page's call, parsed here and only here in this context: the content gate
      // checks only what needs no schema, and the host serves what this parse gives it.
      if (!isPortMethod(call.method))
        throw new InvalidRequestError(`${String(call.method)} is not a call on the page port`)
      return this.serve(owner, requireDappRequest(call.method, call.params) as PortCall)
    })
    try {
      port.postMessage({ reply: { id: call.id, outcome } })
    } catch {
      // The page went away while we worked: nobody is waiting for the answer.
    }
  }
}
