/**
 * Chrome: the host is an offscreen document (reason WEB_RTC: it has RTCPeerConnection,
 * which a service worker lacks, and it is not stopped when idle). Created on demand and
 * again whenever it is missing; each call is one message to it.
 */
import { DisconnectedError, type Outcome, toErrorData } from '../shared/errors.js'
import { hostMessenger } from '../shared/messengers.js'
import type { HostApi } from './host-api.js'

const OFFSCREEN_PAGE = 'offscreen.html'
/** Its script registers its listeners as it loads; a call may arrive a moment before. */
const DELIVERY_ATTEMPTS = 5
const RETRY_DELAY_MS = 60

export class OffscreenHost implements HostApi {
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

  call: HostApi['call'] = (call) => this.send(() => hostMessenger.sendMessage('host:call', call))
  did: HostApi['did'] = (space) => this.send(() => hostMessenger.sendMessage('host:did', { space }))
  status: HostApi['status'] = () => this.send(() => hostMessenger.sendMessage('host:status'))
  room: HostApi['room'] = (request) =>
    this.send(() => hostMessenger.sendMessage('host:room', request))
  post: HostApi['post'] = (request) =>
    this.send(() => hostMessenger.sendMessage('host:post', request))
  leave: HostApi['leave'] = (request) =>
    this.send(() => hostMessenger.sendMessage('host:leave', request))
  redial: HostApi['redial'] = () => this.send(() => hostMessenger.sendMessage('host:redial'))
  exportPhrase: HostApi['exportPhrase'] = () =>
    this.send(() => hostMessenger.sendMessage('host:export-phrase'))
  importPhrase: HostApi['importPhrase'] = (request) =>
    this.send(() => hostMessenger.sendMessage('host:import-phrase', request))

  async release(selector: Parameters<HostApi['release']>[0]): Promise<void> {
    if (!(await this.running())) return
    await this.send(() => hostMessenger.sendMessage('host:release', selector))
  }

  async applySettings(settings: Parameters<HostApi['applySettings']>[0]): Promise<void> {
    if (!(await this.running())) return
    await this.send(() => hostMessenger.sendMessage('host:settings', settings))
  }

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
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS))
      }
    }
  }
}
