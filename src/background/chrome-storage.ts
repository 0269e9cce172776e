import { ext } from '../shared/ext-api.js'
import type { KeyValueStore } from './permissions.js'

/** chrome.storage.local as the router's key-value store (settings and permissions only). */
export const chromeLocalStore: KeyValueStore = {
  get: async (key) => (await ext.storage.local.get(key))[key],
  set: (key, value) => ext.storage.local.set({ [key]: value }),
}
