/**
 * Chrome: the host is an offscreen document (reason WEB_RTC: it has RTCPeerConnection,
 * which a service worker lacks, and it is not stopped when idle). Created on demand and
 * again whenever it is missing; each call is one message to it.
 */

import { DisconnectedError, type Outcome, toErrorData } from '../shared/errors.js'
import { hostClient, ONLY_IF_RUNNING } from '../shared/host-protocol.js'
import { hostMessenger } from '../shared/messengers.js'
import { DELIVERY_ATTEMPTS, DELIVERY_RETRY_DELAY_MS } from './constants.js'
import type { HostApi } from './host-api.js'

const OFFSCREEN_PAGE = 'offscreen.html'

export class OffscreenHost {
  private creating: Promise<void> | undefined
  /** Seen running since the last failed delivery: no getContexts() on every call. */
  private known = false

  async wake(): Promise<void> {
    if (this.known) return
    if (this.creating !== undefined) return this.creating
    if (await this.running()) {
      this.known = true
      return
    }
    this.creating = chrome.offscreen
      .createDocument({
        url: OFFSCREEN_PAGE,
        reasons: [chrome.offscreen.Reason.WEB_RTC],
        justification: 'Holds the peer-to-peer connections (WebRTC) of your chat rooms',
      })
      .catch((err: unknown) => {
        // Another call created it between our check and now: that is fine.
        if (!String(err).includes('single offscreen')) throw err
      })
      .finally(() => {
        this.creating = undefined
      })
    return this.creating
  }

  /**
   * The contract as messages: one `host:invoke` per call. A host that is not running is
   * not started for a call that would only find nothing to do (ONLY_IF_RUNNING).
   */
  readonly client = hostClient(async (method, arg) => {
    if (ONLY_IF_RUNNING.has(method) && !(await this.running())) return { ok: true, result: null }
    return this.send(() => hostMessenger.sendMessage('host:invoke', { method, arg }))
  })

  private async running(): Promise<boolean> {
    if (this.known) return true
    const contexts = await chrome.runtime.getContexts({
      contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    })
    return contexts.length > 0
  }

  private async send<T>(message: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    await this.wake()
    for (let attempt = 1; ; attempt++) {
      try {
        return await message()
      } catch (err) {
        // Only a message that never arrived is sent again: a post must not go out twice.
        const notDelivered = String(err).includes('Receiving end does not exist')
        // Gone (closed, or crashed): the next wake() looks again and recreates it.
        if (notDelivered) this.known = false
        if (!notDelivered || attempt >= DELIVERY_ATTEMPTS)
          return {
            ok: false,
            error: toErrorData(
              new DisconnectedError(
                `The extension's host did not answer (${String(err)}); try again`,
              ),
            ),
          }
        await new Promise((resolve) => setTimeout(resolve, DELIVERY_RETRY_DELAY_MS))
      }
    }
  }
}

/** The router's way to the offscreen host. */
export function offscreenHostApi(): HostApi {
  const offscreen = new OffscreenHost()
  return { ...offscreen.client, wake: () => offscreen.wake() }
}
