/**
 * The 3IP-9 GhostThread surface, once: the events, the sugar over them, client-side
 * filters and the operations ghost threads refuse. The engine's `GhostThread` and the
 * page's `PageThread` (src/inpage) both extend it, so a dapp meets the same behaviour and
 * messages in either, and each declares only how it posts, reads and closes.
 */
import { EventEmitter } from 'eventemitter3'
import { UnsupportedOperationError } from './errors.js'
import type { Post } from './post.js'
import { type PostFilter, PostFilters } from './post-filters.js'
import type { LinkScope } from './wallet-link.js'

export interface BacklogEvent {
  type: 'backlog'
  message: Post[]
}

export interface GhostThreadEvents {
  message: [post: Post]
  /** `address`: the account the member's wallet link names, when it verified; `linkedOn`: where. */
  'user-joined': [did: string, address?: string, linkedOn?: LinkScope]
  'user-left': [did: string]
  'backlog-received': [event: BacklogEvent]
}

const REFUSALS = {
  deletePost: 'Ghost threads keep nothing to delete: posts vanish when everyone leaves',
  addModerator: 'Ghost threads have no moderators; use addFilter() to hide posts',
  listModerators: 'Ghost threads have no moderators; use addFilter() to hide posts',
  addMember: 'Ghost threads are open rooms: anyone who joins is a member',
} as const

/** 3IP-9: what persistent threads can do and ghost threads cannot throws a named error. */
export function refuse(operation: keyof typeof REFUSALS): never {
  throw new UnsupportedOperationError(REFUSALS[operation])
}

export abstract class ThreadSurface extends EventEmitter<GhostThreadEvents> {
  /** 3IP-9 client-side filters: a post any filter refuses is never emitted nor kept. */
  protected readonly filters = new PostFilters()

  /** 3IP-9 `post(message, to?)`: broadcasts, or sends directly to the member `to` (a DID). */
  abstract post(message: unknown, to?: string): Promise<string>
  /** 3IP-9 `getPosts(n?)`: the newest `n` posts held, oldest first. */
  abstract getPosts(n?: number): Promise<Post[]>
  /** 3IP-9 `listMembers()`: the DIDs online in this room, ours first. */
  abstract listMembers(): Promise<string[]>
  /** 3IP-9 `_requestBacklog()`: asks members again. */
  abstract _requestBacklog(): Promise<Post[]>
  /** 3IP-9 `close()`: leaves the room. Calling it again does nothing. */
  abstract close(): Promise<void>

  /** 3IP-9 `onUpdate`: posts and backlog arrivals, in one callback. Returns the remover. */
  onUpdate(callback: (update: Post | BacklogEvent) => void): () => void {
    this.on('message', callback)
    this.on('backlog-received', callback)
    return () => {
      this.off('message', callback)
      this.off('backlog-received', callback)
    }
  }

  /** 3IP-9 `onNewCapabilities`: `('joined' | 'left', did)`. Returns the remover. */
  onNewCapabilities(callback: (event: 'joined' | 'left', did: string) => void): () => void {
    const joined = (did: string) => callback('joined', did)
    const left = (did: string) => callback('left', did)
    this.on('user-joined', joined)
    this.on('user-left', left)
    return () => {
      this.off('user-joined', joined)
      this.off('user-left', left)
    }
  }

  addFilter(filter: PostFilter): () => boolean {
    return this.filters.add(filter)
  }

  removeFilter(filter: PostFilter): boolean {
    return this.filters.remove(filter)
  }

  deletePost(): never {
    return refuse('deletePost')
  }

  addModerator(): never {
    return refuse('addModerator')
  }

  listModerators(): never {
    return refuse('listModerators')
  }

  addMember(): never {
    return refuse('addMember')
  }
}
