/** Chrome's offscreen document: the host, answering the router over runtime messages. */
import { routerMessenger } from '../shared/messengers.js'
import { registerHandlers } from '../shared/register-handlers.js'
import { createHost } from './create-host.js'
import { fromBackground, hostEndpoint, hostHandlers } from './host-handlers.js'
import { deliverToPages } from './page-delivery.js'
import { PagePorts } from './page-ports.js'

const pagePorts: PagePorts = new PagePorts((owner, call) => host.callOnLease(owner, call))
chrome.runtime.onConnect.addListener((port) => void pagePorts.accept(port as never))

const host = createHost({
  settings: () => routerMessenger.sendMessage('router:settings'),
  deliver: deliverToPages(pagePorts, (owner, events) =>
    routerMessenger.sendMessage('router:deliver', { owner, events }),
  ),
})

registerHandlers(
  hostHandlers(
    hostEndpoint(host),
    fromBackground(chrome.runtime.id, chrome.runtime.getURL('background.js')),
  ),
)
