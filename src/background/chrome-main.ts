/** Chrome's service worker: the router, with the host in an offscreen document. */
import { offscreenHostApi } from './offscreen-host.js'
import { startRouter } from './start-router.js'

startRouter(offscreenHostApi())
