/** The popup page (also opened as a tab): the store over the router's manage:* contract. */
import { render } from 'preact'
import { manageMessenger } from '../shared/messengers.js'
import { App } from './components/App.js'
import { createPopupStore } from './store.js'

const store = createPopupStore({
  status: () => manageMessenger.sendMessage('manage:status'),
  permissions: () => manageMessenger.sendMessage('manage:permissions'),
  revoke: (origin, space) => manageMessenger.sendMessage('manage:revoke', { origin, space }),
  settings: () => manageMessenger.sendMessage('manage:settings'),
  saveSettings: (settings) => manageMessenger.sendMessage('manage:save-settings', settings),
})

const root = document.getElementById('root')
if (root !== null) render(<App store={store} />, root)
