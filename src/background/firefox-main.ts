/**
 * Firefox's background page: the router and the host in one context, the host called
 * directly, not by message (in-process-host.ts).
 */

import { createHost } from '../host/create-host.js'
import { readSettings } from '../shared/settings.js'
import { chromeLocalStore } from './chrome-storage.js'
import { inProcessHost } from './in-process-host.js'
import { SETTINGS_KEY, startRouter } from './start-router.js'

const router = startRouter(
  inProcessHost(() =>
    createHost({
      settings: async () => readSettings(await chromeLocalStore.get(SETTINGS_KEY)),
      // Called only once pages hold threads, long after the router below exists.
      deliver: (owner, events) => router.deliver(owner, events),
    }),
  ),
)
