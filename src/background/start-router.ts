/**
 * Starts the router in the background context (Chrome's service worker, Firefox's
 * background page). Every listener is registered synchronously at start, as MV3 requires
 * for a worker that the browser wakes for an event.
 */

import { ext } from '../shared/ext-api.js'
import { pageMessenger } from '../shared/messengers.js'
import { PAGE_PORT_PREFIX } from '../shared/ports.js'
import { registerHandlers } from '../shared/register-handlers.js'
import { readSettings } from '../shared/settings.js'
import { chromeLocalStore } from './chrome-storage.js'
import type { HostApi } from './host-api.js'
import { PERMISSIONS_KEY, PermissionStore, revokedGrants } from './permissions.js'
import { PromptBroker } from './prompt-broker.js'
import { Router } from './router.js'

export const SETTINGS_KEY = 'settings'
const PROMPT_SIZE = { width: 400, height: 580 }

export function startRouter(host: HostApi): Router {
  const permissions = new PermissionStore(chromeLocalStore)
  const prompts = new PromptBroker(
    {
      open: async (url) => (await ext.windows.create({ url, type: 'popup', ...PROMPT_SIZE }))?.id,
      close: (windowId) => ext.windows.remove(windowId),
    },
    (path) => chrome.runtime.getURL(path),
  )
  const router = new Router({
    host,
    permissions,
    prompts,
    settings: async () => readSettings(await chromeLocalStore.get(SETTINGS_KEY)),
    saveSettings: (settings) => chromeLocalStore.set(SETTINGS_KEY, settings),
    sendToPage: async (owner, events) => {
      try {
        return await pageMessenger.sendMessage(
          'page:events',
          { session: owner.session, events },
          { tabId: owner.tabId, frameId: owner.frameId },
        )
      } catch {
        return false
      }
    },
    showTab: async (tabId) => {
      const tab = await ext.tabs.update(tabId, { active: true })
      if (tab?.windowId !== undefined) await ext.windows.update(tab.windowId, { focused: true })
    },
    extensionId: chrome.runtime.id,
    extensionBase: chrome.runtime.getURL(''),
  })
  registerHandlers(router.handlers)

  chrome.runtime.onConnect.addListener((port) => {
    // Event ports are the host's (they reach every extension context); leave them be.
    if (!port.name.startsWith(PAGE_PORT_PREFIX)) return
    let owner: ReturnType<Router['ownerOf']>
    try {
      owner = router.ownerOf(port.sender ?? {}, port.name.slice(PAGE_PORT_PREFIX.length))
    } catch {
      return port.disconnect()
    }
    void router.pageConnected(owner)
    // Pings only keep the background awake; nothing else travels on the port.
    port.onDisconnect.addListener(() => void router.pageGone(owner))
  })
  ext.tabs.onRemoved.addListener((tabId) => void router.tabRemoved(tabId))
  ext.windows.onRemoved.addListener((windowId) => prompts.windowClosed(windowId))
  ext.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return
    const settings = changes[SETTINGS_KEY]
    if (settings !== undefined) void host.applySettings(readSettings(settings.newValue))
    const grants = changes[PERMISSIONS_KEY]
    if (grants !== undefined) {
      permissions.invalidate()
      // A grant removed by any page of the extension ends what the origin holds at once.
      for (const { origin, space } of revokedGrants(grants.oldValue, grants.newValue))
        void host.release({ origin, space })
    }
  })
  // The identity is created with the host, at install rather than at the first chat.
  chrome.runtime.onInstalled.addListener(() => void host.wake())
  return router
}
