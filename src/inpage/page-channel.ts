/**
 * The page's end of the window.postMessage link to the content gate. It runs in the
 * page's own world, so it holds nothing secret: requests go out with our tag, and only
 * replies and events from this very window with the gate's tag come back in.
 */

import { type ErrorCodeValue, GhostThreadsError } from '../core/errors.js'
import { type ErrorData, InvalidRequestError } from '../shared/errors.js'
import { type PageRequest, TO_EXTENSION, TO_PAGE, type ToPage } from '../shared/page-wire.js'
import type { ThreadEvent } from '../shared/thread-events.js'

/** What the provider needs from the extension; tests give it a fake. */
export interface ProviderTransport {
  request(method: string, params: unknown): Promise<unknown>
  onEvents(listener: (events: ThreadEvent[]) => void): void
  /** The extension dropped this page's threads (back/forward cache, extension restart). */
  onReset(listener: () => void): void
}

/** A failure as the dapp sees it: `name`, EIP-1193 `code` and an actionable message. */
export class ProviderRpcError extends GhostThreadsError {
  static override name = 'ProviderRpcError'
  constructor(data: ErrorData) {
    // The code as the extension sent it: one of ErrorCode, or a newer release's.
    super(data.message, data.code as ErrorCodeValue)
    this.name = data.name
  }
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (reason: Error) => void
}

export function createPageChannel(win: Window): ProviderTransport {
  const pending = new Map<number, Pending>()
  const eventListeners: ((events: ThreadEvent[]) => void)[] = []
  const resetListeners: (() => void)[] = []
  let nextId = 1

  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win) return
    const data = event.data as ToPage | undefined
    if (typeof data !== 'object' || data === null || data.tag !== TO_PAGE) return
    if ('events' in data) {
      for (const listener of eventListeners) listener(data.events)
    } else if ('reset' in data) {
      for (const listener of resetListeners) listener()
    } else if ('id' in data) {
      const waiting = pending.get(data.id)
      if (waiting === undefined) return
      pending.delete(data.id)
      if ('error' in data) waiting.reject(new ProviderRpcError(data.error))
      else waiting.resolve(data.result)
    }
  })

  return {
    request(method, params) {
      const id = nextId++
      const request: PageRequest = { tag: TO_EXTENSION, id, method, params }
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        try {
          win.postMessage(request, win.location.origin)
        } catch {
          // A function, a symbol or a DOM object in the params: the browser cannot copy it
          // (its DataCloneError says nothing a dapp developer can act on).
          pending.delete(id)
          reject(
            new InvalidRequestError(
              `The params of ${method} cannot be sent to Ghost Threads: use JSON values only (strings, numbers, booleans, null, arrays and plain objects), not functions, symbols or DOM objects`,
            ),
          )
        }
      })
    },
    onEvents: (listener) => void eventListeners.push(listener),
    onReset: (listener) => void resetListeners.push(listener),
  }
}
