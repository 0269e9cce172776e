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

/**
 * The kept rooms, read from their store once and written through: every popup room view
 * asks whether its room is kept (each long poll), which read IndexedDB every time.
 */
export class KeptRooms {
  private rooms: Promise<KeptRoom[]> | undefined

  constructor(private readonly store: KeptRoomStore = memoryKeptRoomStore()) {}

  list(): Promise<KeptRoom[]> {
    if (this.rooms === undefined) {
      const loading = this.store.load()
      // A read that failed is tried again next time, not remembered.
      loading.catch(() => {
        if (this.rooms === loading) this.rooms = undefined
      })
      this.rooms = loading
    }
    return this.rooms
  }

  async has(topic: string): Promise<boolean> {
    return (await this.find(topic)) !== undefined
  }

  async find(topic: string): Promise<KeptRoom | undefined> {
    return (await this.list()).find((kept) => kept.topic === topic)
  }

  async keep(room: KeptRoom): Promise<void> {
    const others = (await this.list()).filter((kept) => kept.topic !== room.topic)
    if (others.length >= MAX_KEPT_ROOMS)
      throw new TooManyThreadsError(
        `${MAX_KEPT_ROOMS} private rooms are kept already; forget one under Settings first`,
      )
    await this.save([...others, room])
  }

  /** Whether it was kept. */
  async forget(topic: string): Promise<boolean> {
    const rooms = await this.list()
    const left = rooms.filter((kept) => kept.topic !== topic)
    if (left.length === rooms.length) return false
    await this.save(left)
    return true
  }

  /** A kept room moved to a new invite (its creator rotated it): the new one is kept. */
  async moved(fromTopic: string, to: { topic: string; invite: string }): Promise<void> {
    const rooms = await this.list()
    if (!rooms.some((kept) => kept.topic === fromTopic)) return
    await this.save(rooms.map((kept) => (kept.topic === fromTopic ? { ...kept, ...to } : kept)))
  }

  private async save(rooms: KeptRoom[]): Promise<void> {
    this.rooms = Promise.resolve(rooms)
    await this.store.save(rooms)
  }
}
