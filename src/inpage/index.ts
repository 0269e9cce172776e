/**
 * The inpage script: runs in the page's own world at document_start, before the page's
 * first script, and offers `window.ghostThreads`. It never replaces a global someone else
 * defined; dapps can always find us through the announce events (EIP-6963 style, in our
 * own namespace): dispatch `ghostThreads:requestProvider` and listen for
 * `ghostThreads:announceProvider`.
 */
import { createPageChannel } from './page-channel.js'
import { GhostThreadsProvider } from './provider.js'

const provider = Object.freeze(new GhostThreadsProvider(createPageChannel(window)))

const info = Object.freeze({
  uuid: crypto.randomUUID(),
  name: 'Ghost Threads',
  rdns: 'org.ghostthreads',
  version: provider.version,
})

if (!('ghostThreads' in window)) {
  Object.defineProperty(window, 'ghostThreads', {
    value: provider,
    writable: false,
    configurable: false,
    enumerable: true,
  })
}

function announce(): void {
  window.dispatchEvent(
    new CustomEvent('ghostThreads:announceProvider', { detail: Object.freeze({ info, provider }) }),
  )
}

window.addEventListener('ghostThreads:requestProvider', announce)
announce()
