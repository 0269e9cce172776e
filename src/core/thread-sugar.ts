/**
 * The parts of the 3IP-9 GhostThread API that are pure sugar over the events, and the
 * operations ghost threads refuse. Shared by the engine's `GhostThread` and the page's
 * `PageThread` (src/inpage), so a dapp meets the same behaviour and messages in both.
 */
import type { EventEmitter } from 'eventemitter3'
import { UnsupportedOperationError } from './errors.js'
import type { BacklogEvent, GhostThreadEvents } from './ghost-thread.js'
import type { Post } from './post.js'

type ThreadEmitter = Pick<EventEmitter<GhostThreadEvents>, 'on' | 'off'>

/** 3IP-9 `onUpdate`: posts and backlog arrivals, in one callback. Returns the remover. */
export function onUpdate(
  thread: ThreadEmitter,
  callback: (update: Post | BacklogEvent) => void,
): () => void {
  thread.on('message', callback)
  thread.on('backlog-received', callback)
  return () => {
    thread.off('message', callback)
    thread.off('backlog-received', callback)
  }
}

/** 3IP-9 `onNewCapabilities`: `('joined' | 'left', did)`. Returns the remover. */
export function onNewCapabilities(
  thread: ThreadEmitter,
  callback: (event: 'joined' | 'left', did: string) => void,
): () => void {
  const joined = (did: string) => callback('joined', did)
  const left = (did: string) => callback('left', did)
  thread.on('user-joined', joined)
  thread.on('user-left', left)
  return () => {
    thread.off('user-joined', joined)
    thread.off('user-left', left)
  }
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
