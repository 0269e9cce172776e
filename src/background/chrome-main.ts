/** Chrome's service worker: the router, with the host in an offscreen document. */
import { OffscreenHost } from './offscreen-host.js'
import { startRouter } from './start-router.js'

startRouter(new OffscreenHost())
