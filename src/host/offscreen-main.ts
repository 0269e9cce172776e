/** Chrome's offscreen document: the host, answering the router over runtime messages. */
import { routerMessenger } from '../shared/messengers.js'
import { registerHandlers } from '../shared/register-handlers.js'
import { createHost } from './create-host.js'
import { hostHandlers } from './host-handlers.js'

const host = createHost({
  settings: () => routerMessenger.sendMessage('router:settings'),
  deliver: (owner, events) => routerMessenger.sendMessage('router:deliver', { owner, events }),
})

const background = chrome.runtime.getURL('background.js')
registerHandlers(
  hostHandlers(host, (sender) => sender.id === chrome.runtime.id && sender.url === background),
)
