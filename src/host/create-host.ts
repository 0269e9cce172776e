/**
 * The host as the extension runs it: identity from the seed in IndexedDB, the real
 * libp2p network configured from the router's settings.
 */
import { createSeedIdentity, type Identity } from '../core/identity.js'
import type { Settings } from '../shared/settings.js'
import { GhostHost, type HostNetwork } from './ghost-host.js'
import { startLibp2pNetwork } from './libp2p-network.js'
import type { Deliver } from './owner-outbox.js'
import { phraseToSeed, seedToPhrase } from './recovery-phrase.js'
import { idbKeptRoomStore, loadOrCreateSeed, saveSeed } from './seed-store.js'

export function createHost(init: {
  settings: () => Promise<Settings>
  deliver: Deliver
}): GhostHost {
  const identityReady = loadOrCreateSeed().then(createSeedIdentity)
  const identity: Identity = {
    signerForSpace: async (space) => (await identityReady).signerForSpace(space),
  }
  const startNetwork = (on: Promise<Identity>): Promise<HostNetwork> => {
    const network = Promise.all([on, init.settings()]).then(([ready, settings]) =>
      startLibp2pNetwork(ready, settings),
    )
    // Each call awaits the network itself and reports a failure there; none goes unhandled.
    network.catch((err: unknown) => console.error('Ghost Threads: the network did not start:', err))
    return network
  }
  return new GhostHost({
    identity,
    network: startNetwork(identityReady),
    deliver: init.deliver,
    settings: init.settings(),
    keptRooms: idbKeptRoomStore(),
    recovery: {
      exportPhrase: async () => seedToPhrase(await loadOrCreateSeed()),
      importPhrase: async (phrase) => {
        const seed = phraseToSeed(phrase)
        await saveSeed(seed)
        const next = createSeedIdentity(seed)
        return { identity: next, network: startNetwork(Promise.resolve(next)) }
      },
    },
  })
}
