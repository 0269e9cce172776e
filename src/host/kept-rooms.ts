/**
 * Private rooms the user chose to keep (issue 25): their invites, in the extension's own
 * IndexedDB beside the identity seed and under the same promise (only the host reads
 * them; pages never do). Every other invite lives in memory only. A kept room that moves
 * to a new invite keeps the new one; Forget removes it.
 */
import { TooManyThreadsError } from '../shared/errors.js'
import { MAX_KEPT_ROOMS } from './constants.js'

export interface KeptRoom {
  space: string
  room: string
  topic: string
  invite: string
}

/** Where kept rooms are stored: the seed's IndexedDB in the extension, memory in tests. */
export interface KeptRoomStore {
  load(): Promise<KeptRoom[]>
  save(rooms: KeptRoom[]): Promise<void>
}

export function memoryKeptRoomStore(): KeptRoomStore {
  let rooms: KeptRoom[] = []
  return {
    load: async () => rooms,
    save: async (next) => {
      rooms = next
    },
  }
}

export class KeptRooms {
  constructor(private readonly store: KeptRoomStore = memoryKeptRoomStore()) {}

  list(): Promise<KeptRoom[]> {
    return this.store.load()
  }

  async has(topic: string): Promise<boolean> {
    return (await this.store.load()).some((kept) => kept.topic === topic)
  }

  async find(topic: string): Promise<KeptRoom | undefined> {
    return (await this.store.load()).find((kept) => kept.topic === topic)
  }

  async keep(room: KeptRoom): Promise<void> {
    const others = (await this.store.load()).filter((kept) => kept.topic !== room.topic)
    if (others.length >= MAX_KEPT_ROOMS)
      throw new TooManyThreadsError(
        `${MAX_KEPT_ROOMS} private rooms are kept already; forget one under Settings first`,
      )
    await this.store.save([...others, room])
  }

  /** Whether it was kept. */
  async forget(topic: string): Promise<boolean> {
    const rooms = await this.store.load()
    const left = rooms.filter((kept) => kept.topic !== topic)
    if (left.length === rooms.length) return false
    await this.store.save(left)
    return true
  }

  /** A kept room moved to a new invite (its creator rotated it): the new one is kept. */
  async moved(fromTopic: string, to: { topic: string; invite: string }): Promise<void> {
    const rooms = await this.store.load()
    if (!rooms.some((kept) => kept.topic === fromTopic)) return
    await this.store.save(
      rooms.map((kept) => (kept.topic === fromTopic ? { ...kept, ...to } : kept)),
    )
  }
}
