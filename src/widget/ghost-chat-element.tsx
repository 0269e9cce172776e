/**
 * `<ghost-chat space="my-dapp" room="lobby">`: a chat room any page can drop in. It finds
 * Ghost Threads with connect() (the extension when installed, else the host in the page),
 * asks to join when the reader presses Join, and renders with Preact in a shadow root.
 * Attributes, read once when the element is first connected: `space` and `room`
 * (required); `relays`, the site's relays (space-separated WebSockets multiaddrs: given to
 * openSpace, where the user's prompt shows them, and to the in-page host); `page-relays`,
 * relays for the in-page host only (a local development relay, which the extension refuses
 * from sites); `title`, the header (default: the room's name); `invite`, a private room's
 * invite (from the link's `#`, issue 25): the widget joins that room, and says it is
 * private. ENS names: the element's
 * `ethereum` property (the page's EIP-1193 wallet; default `window.ethereum`) resolves
 * linked accounts' primary names (web/ens-names.ts); `ens="off"` turns that off.
 */
import { render } from 'preact'
import { connect, type Eip1193Provider, EnsNames } from '../web/index.js'
import { ChatApp } from './ChatApp.js'
import { type ChatStore, createChatStore } from './chat-store.js'
import { WIDGET_CSS } from './widget-styles.js'

export const GHOST_CHAT_TAG = 'ghost-chat'

export class GhostChatElement extends HTMLElement {
  private store: ChatStore | undefined
  private mount: HTMLElement | undefined
  /** The page's wallet, for ENS names (set it before the element is connected). */
  ethereum: Eip1193Provider | undefined

  /** @internal the widget's state (tests read it). */
  get chat(): ChatStore | undefined {
    return this.store
  }

  connectedCallback(): void {
    if (this.store !== undefined) return
    const shadow = this.attachShadow({ mode: 'open' })
    const style = document.createElement('style')
    style.textContent = WIDGET_CSS
    this.mount = document.createElement('div')
    shadow.append(style, this.mount)
    const space = this.getAttribute('space') ?? ''
    const room = this.getAttribute('room') ?? ''
    const listed = (name: string) =>
      (this.getAttribute(name) ?? '').split(/\s+/).filter((relay) => relay !== '')
    const relays = listed('relays')
    const hostRelays = [...relays, ...listed('page-relays')]
    const wallet = this.ethereum ?? (window as { ethereum?: Eip1193Provider }).ethereum ?? undefined
    const names =
      wallet !== undefined && this.getAttribute('ens') !== 'off' ? new EnsNames(wallet) : undefined
    const invite = this.getAttribute('invite')
    this.store = createChatStore({
      ...(names === undefined ? {} : { names }),
      ...(invite === null ? {} : { invite }),
      space,
      room,
      ...(relays.length > 0 ? { relays } : {}),
      provider: async () => {
        if (space === '' || room === '')
          throw Object.assign(new Error('<ghost-chat> needs space="…" and room="…"'), {
            name: 'InvalidArgumentError',
          })
        return (await connect(hostRelays.length > 0 ? { relays: hostRelays } : {})).provider
      },
    })
    render(<ChatApp store={this.store} title={this.getAttribute('title') ?? room} />, this.mount)
    void this.store.start()
  }

  disconnectedCallback(): void {
    // Leaving the page's DOM leaves the room; put back, it would start afresh.
    void this.store?.leave()
    if (this.mount !== undefined) render(null, this.mount)
  }
}
