/**
 * The popup's state: one small store of signals, filled from the router over the typed
 * `manage:*` contract. Components read signals and call the actions; nothing here knows
 * about `chrome`, so tests give the store a fake API.
 */

import { signal } from '@preact/signals'
import { TYPING_REPEAT_MS } from '../core/constants.js'
import { FEED_LIMIT } from '../shared/constants.js'
import type { Outcome } from '../shared/errors.js'
import type { RoomRef } from '../shared/manage-requests.js'
import type { HostStatus, ManageProtocol } from '../shared/messengers.js'
import type { PermissionEntry } from '../shared/permission-entry.js'
import type { RoomView } from '../shared/room-view.js'
import type { Settings } from '../shared/settings.js'
import { ROOM_MIN_POLL_MS, ROOM_RETRY_MS, ROOM_WAIT_MS, STATUS_EVERY_MS } from './constants.js'

/** A `manage:*` message by its own name, as the popup calls it. */
type ManageName = {
  [K in keyof ManageProtocol]: K extends `manage:${infer N}` ? N : never
}[keyof ManageProtocol]

/**
 * The router's `manage:*` contract as the popup calls it, derived from ManageProtocol: each
 * message keeps its name (`manage:leaveRoom` is `leaveRoom` here, and at the host).
 */
export type PopupApi = {
  [N in ManageName]: (
    ...arg: Parameters<ManageProtocol[`manage:${N}`]>
  ) => Promise<ReturnType<ManageProtocol[`manage:${N}`]>>
} & {
  /** The extension's version, for About. */
  version: string
}

export type PopupStore = ReturnType<typeof createPopupStore>

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })
}

/** An action's result for the component that started it: an error message, or none. */
type Failure = string | undefined
const failureOf = (outcome: Outcome<unknown>): Failure =>
  outcome.ok ? undefined : outcome.error.message

export function createPopupStore(api: PopupApi) {
  const status = signal<HostStatus | undefined>(undefined)
  const statusError = signal<string | undefined>(undefined)
  const permissions = signal<PermissionEntry[]>([])
  const settings = signal<Settings | undefined>(undefined)
  const identities = signal<{ space: string; did: string }[]>([])
  /** The room the user opened, and what the popup shows of it (every post fetched so far). */
  const selected = signal<RoomRef | undefined>(undefined)
  const room = signal<RoomView | undefined>(undefined)
  const roomError = signal<string | undefined>(undefined)
  let roomRequest = 0

  async function refresh(): Promise<void> {
    const [nextStatus, nextPermissions] = await Promise.all([api.status(), api.permissions()])
    if (nextStatus.ok) {
      status.value = nextStatus.result
      statusError.value = undefined
    } else statusError.value = nextStatus.error.message
    if (nextPermissions.ok) permissions.value = nextPermissions.result
  }

  async function loadSettings(): Promise<void> {
    const [outcome, ids] = await Promise.all([api.settings(), api.identities()])
    if (outcome.ok) settings.value = outcome.result
    if (ids.ok) identities.value = ids.result
  }

  /** Saves relay addresses typed one per line; resolves to an error message, or undefined. */
  async function saveRelays(text: string, localSiteRelays: boolean): Promise<Failure> {
    const relays = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
    const current = settings.value
    if (current === undefined) return 'Settings are still loading; try again in a moment'
    const outcome = await api.saveSettings({ ...current, relays, localSiteRelays })
    if (!outcome.ok) return outcome.error.message
    settings.value = outcome.result
    return undefined
  }

  async function revoke(origin: string, space: string): Promise<void> {
    await api.revoke({ origin, space })
    await refresh()
  }

  async function redial(): Promise<Failure> {
    const outcome = await api.redial()
    await refresh()
    return failureOf(outcome)
  }

  function openRoom(ref: RoomRef | undefined): void {
    selected.value = ref
    room.value = undefined
    roomError.value = undefined
    roomRequest++
    // The room view fetches the room it shows; back at the list, the unread counts changed.
    if (ref === undefined) void refresh()
  }

  /**
   * Fetches what is new in the open room (`fromStart`: all of it again, replacing what is
   * shown in one step; `waitMs`: let the host wait that long for a new post). A room that
   * closed says so and stays shown. Resolves to whether new posts came.
   */
  async function refreshRoom(fromStart = false, waitMs = 0): Promise<boolean> {
    const ref = selected.value
    if (ref === undefined) return false
    if (fromStart) roomRequest++
    const request = roomRequest
    const shown = fromStart ? undefined : room.value
    const outcome = await api.roomView({
      ...ref,
      after: shown?.latest ?? 0,
      ...(waitMs > 0 && shown !== undefined ? { waitMs } : {}),
    })
    // The user opened another room (or reloaded this one) meanwhile: this answer is stale.
    if (request !== roomRequest) return false
    if (!outcome.ok) {
      roomError.value = outcome.error.message
      return false
    }
    roomError.value = undefined
    const { posts, ...rest } = outcome.result
    // Unchanged posts keep their objects (and the list its array), so rows do not re-render.
    const kept =
      shown === undefined ? posts : posts.length === 0 ? shown.posts : [...shown.posts, ...posts]
    room.value = { ...rest, posts: kept.length > FEED_LIMIT ? kept.slice(-FEED_LIMIT) : kept }
    return posts.length > 0
  }

  /**
   * Keeps the status (rooms, relays, unread) current until `signal` aborts: what the popup
   * shows while it is open.
   */
  async function watchStatus(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await refresh().catch(() => undefined)
      await pause(STATUS_EVERY_MS, signal)
    }
  }

  /**
   * Keeps the open room current until `signal` aborts: a long poll the host answers as soon
   * as a post or a signal (typing, a reaction, a seen mark) comes, or after ROOM_WAIT_MS
   * with the members and tabs as they are.
   */
  async function watchRoom(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = Date.now()
      const gotPosts = await refreshRoom(false, ROOM_WAIT_MS)
      if (roomError.value !== undefined || room.value === undefined)
        await pause(ROOM_RETRY_MS, signal)
      else if (!gotPosts && Date.now() - started < ROOM_MIN_POLL_MS)
        await pause(ROOM_MIN_POLL_MS, signal)
    }
  }

  /** Puts the user's emoji on a post of the open room, or takes it off when it is there. */
  async function react(postId: string, emoji: string): Promise<Failure> {
    const ref = selected.value
    const shown = room.value
    if (ref === undefined || shown === undefined) return 'Open a room first'
    const mine = shown.reactions[postId]?.find((reaction) => reaction.emoji === emoji)
    const remove = mine?.dids.includes(shown.did) === true
    const outcome = await api.reactFromPopup({ ...ref, postId, emoji, remove })
    if (outcome.ok) await refreshRoom()
    return failureOf(outcome)
  }

  let lastTypingMs = Number.NEGATIVE_INFINITY
  /** The user types in the open room: the room hears it (asked at most every few seconds). */
  function typed(): void {
    const ref = selected.value
    const nowMs = Date.now()
    if (ref === undefined || nowMs - lastTypingMs < TYPING_REPEAT_MS) return
    lastTypingMs = nowMs
    void api.typingFromPopup(ref)
  }

  async function post(message: string, to?: string): Promise<Failure> {
    const ref = selected.value
    if (ref === undefined) return 'Open a room first'
    const outcome = await api.postFromPopup({
      ...ref,
      message,
      ...(to === undefined ? {} : { to }),
    })
    // Sent: the user's next keystroke may say it types again at once.
    if (outcome.ok) lastTypingMs = Number.NEGATIVE_INFINITY
    if (outcome.ok) await refreshRoom()
    return failureOf(outcome)
  }

  /**
   * Puts the open private room's invite on the clipboard; says what was done, or why not.
   * The invite is read from the host when asked, and kept nowhere here.
   */
  async function copyInvite(): Promise<string> {
    const ref = selected.value
    if (ref === undefined) return 'Open a room first'
    return copyInviteOf(
      ref,
      'Invite copied. Whoever has it can read this room: send it only to those you mean to invite.',
    )
  }

  /** Asks the host for a room's invite and puts it on the clipboard: `done`, or why not. */
  async function copyInviteOf(ref: RoomRef, done: string): Promise<string> {
    const outcome = await api.roomInvite(ref)
    if (!outcome.ok) return outcome.error.message
    try {
      await navigator.clipboard.writeText(outcome.result)
    } catch {
      return 'The browser did not let the popup copy; try again with the popup in front'
    }
    return done
  }

  /** Keeps the open private room's invite beside the seed, or forgets it; says which. */
  async function keepRoom(keep: boolean): Promise<string> {
    const ref = selected.value
    if (ref === undefined) return 'Open a room first'
    const outcome = await api.keepRoom({ ...ref, keep })
    if (!outcome.ok) return outcome.error.message
    await refreshRoom(true)
    return outcome.result
      ? 'Kept: its invite stays in Ghost Threads after you leave (Settings → Kept private rooms).'
      : 'Forgotten: its invite is no longer kept.'
  }

  /** The kept private rooms (Settings). */
  async function keptRooms(): Promise<Outcome<RoomRef[]>> {
    return api.keptRooms()
  }

  /** A kept room forgotten from Settings. */
  async function forgetRoom(ref: RoomRef): Promise<Failure> {
    return failureOf(await api.keepRoom({ ...ref, keep: false }))
  }

  /** Copies a kept room's invite from Settings; says what was done, or why not. */
  async function copyKeptInvite(ref: RoomRef): Promise<string> {
    return copyInviteOf(ref, `Invite of ${ref.room} copied.`)
  }

  async function leaveRoom(): Promise<Failure> {
    const ref = selected.value
    if (ref === undefined) return undefined
    const outcome = await api.leaveRoom(ref)
    if (outcome.ok) openRoom(undefined)
    await refresh()
    return failureOf(outcome)
  }

  /** Blocks or unblocks; the open room is fetched again, since what it hides changed. */
  async function block(did: string, blocked: boolean): Promise<Failure> {
    const outcome = await api.block({ did, blocked })
    if (!outcome.ok) return outcome.error.message
    settings.value = outcome.result
    await refreshRoom(true)
    return undefined
  }

  async function exportPhrase(): Promise<Outcome<string>> {
    return api.exportPhrase()
  }

  async function importPhrase(phrase: string): Promise<Failure> {
    const outcome = await api.importPhrase({ phrase })
    if (outcome.ok) {
      openRoom(undefined)
      await Promise.all([loadSettings(), refresh()])
    }
    return failureOf(outcome)
  }

  async function showTab(tabId: number): Promise<void> {
    await api.showTab({ tabId })
  }

  return {
    version: api.version,
    status,
    statusError,
    permissions,
    settings,
    identities,
    selected,
    room,
    roomError,
    refresh,
    loadSettings,
    saveRelays,
    revoke,
    redial,
    openRoom,
    refreshRoom,
    watchStatus,
    watchRoom,
    react,
    typed,
    post,
    leaveRoom,
    copyInvite,
    keepRoom,
    keptRooms,
    forgetRoom,
    copyKeptInvite,
    block,
    exportPhrase,
    importPhrase,
    showTab,
  }
}
