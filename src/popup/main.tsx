/** The popup page (also opened as a tab): the store over the router's manage:* contract. */
import { render } from 'preact'
import { manageMessenger, PROTOCOL_MESSAGES } from '../shared/messengers.js'
import { App } from './components/App.js'
import { createPopupStore, type PopupApi } from './store.js'

/** Every manage:* message, called by its own name: one generic call per message. */
const api = Object.fromEntries(
  PROTOCOL_MESSAGES.manage.map((type) => [
    type.slice('manage:'.length),
    (arg?: unknown) => manageMessenger.sendMessage(type, arg as never),
  ]),
) as Omit<PopupApi, 'version'>
const store = createPopupStore({ ...api, version: chrome.runtime.getManifest().version })

const root = document.getElementById('root')
if (root !== null) render(<App store={store} />, root)
