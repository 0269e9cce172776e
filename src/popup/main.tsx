/** The popup page (also opened as a tab): the store over the router's manage:* contract. */
import { render } from 'preact'
import { manageMessenger } from '../shared/messengers.js'
import { App } from './components/App.js'
import { createPopupStore } from './store.js'

const send = manageMessenger.sendMessage
const store = createPopupStore({
  status: () => send('manage:status'),
  permissions: () => send('manage:permissions'),
  revoke: (origin, space) => send('manage:revoke', { origin, space }),
  settings: () => send('manage:settings'),
  saveSettings: (settings) => send('manage:save-settings', settings),
  block: (did, blocked) => send('manage:block', { did, blocked }),
  room: (request) => send('manage:room', request),
  post: (request) => send('manage:post', request),
  leave: (room) => send('manage:leave', room),
  redial: () => send('manage:redial'),
  identities: () => send('manage:identities'),
  exportPhrase: () => send('manage:export-phrase'),
  importPhrase: (phrase) => send('manage:import-phrase', { phrase }),
  showTab: (tabId) => send('manage:show-tab', { tabId }),
  version: chrome.runtime.getManifest().version,
})

const root = document.getElementById('root')
if (root !== null) render(<App store={store} />, root)
