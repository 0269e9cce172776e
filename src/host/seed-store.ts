/**
 * The identity seed, in the extension's own IndexedDB. Only the host opens it: the router
 * and the pages never see the seed, only DIDs. Created on the host's first start (which
 * the router triggers on install).
 */

import { createStore, get, set } from 'idb-keyval'
import { SEED_BYTES } from '../core/constants.js'
import { assertValidSeed, generateSeed } from '../core/identity.js'
import type { KeptRoom, KeptRoomStore } from './kept-rooms.js'

const store = () => createStore('ghost-threads-identity', 'seed')
const SEED_KEY = 'master-seed'

export async function loadOrCreateSeed(): Promise<Uint8Array> {
  const db = store()
  const kept = await get<unknown>(SEED_KEY, db)
  if (kept instanceof Uint8Array && kept.length === SEED_BYTES) return kept
  const seed = generateSeed()
  await set(SEED_KEY, seed, db)
  return seed
}

const KEPT_ROOMS_KEY = 'kept-private-rooms'

/**
 * The private rooms the user chose to keep (kept-rooms.ts), beside the seed, under the
 * same promise: only the host opens this store.
 */
export function idbKeptRoomStore(): KeptRoomStore {
  return {
    load: async () => {
      const kept = await get<unknown>(KEPT_ROOMS_KEY, store())
      return Array.isArray(kept) ? (kept as KeptRoom[]) : []
    },
    save: (rooms) => set(KEPT_ROOMS_KEY, rooms, store()),
  }
}

/** Replaces the seed (an imported recovery phrase): every per-space DID changes with it. */
export async function saveSeed(seed: Uint8Array): Promise<void> {
  assertValidSeed(seed)
  await set(SEED_KEY, seed, store())
}
