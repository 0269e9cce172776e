/**
 * The host's contract, declared once: each method's one argument and its result, under
 * the name GhostHost gives it. Every way of reaching the host is derived from this map:
 * the Chrome router's proxy (one `host:invoke` message per call to the offscreen host),
 * Firefox's in-process client, and the host's own dispatcher (src/host/host-handlers.ts).
 * A method added here is a compile error until the host serves it.
 */
import type { WalletLink } from '../core/schema.js'
import type { Outcome } from './errors.js'
import type {
  KeepRoomRequest,
  PhraseImport,
  PopupPost,
  PopupReaction,
  RoomRef,
  RoomViewRequest,
} from './manage-requests.js'
import type { HostCall, HostStatus } from './messengers.js'
import type { OwnerSelector } from './owner.js'
import { POPUP_HOST_REQUEST_NAMES, type PopupHostRequest } from './popup-request-names.js'
import type { RoomView } from './room-view.js'
import type { Settings } from './settings.js'

export interface HostMethods {
  /** A page's thread call, with the spaces its origin may use now. */
  call(call: HostCall): unknown
  /** The user's DID in a space (creates nothing but the key derivation). */
  did(request: { space: string }): string
  /** Ends what the selected pages hold; the number of handles released. */
  release(selector: OwnerSelector): number
  applySettings(settings: Settings): null
  status(request: undefined): HostStatus
  roomView(request: RoomViewRequest): RoomView
  postFromPopup(request: PopupPost): string
  reactFromPopup(request: PopupReaction): null
  /** Whether a typing signal went out (at most one every few seconds). */
  typingFromPopup(request: RoomRef): boolean
  leaveRoom(request: RoomRef): number
  /** A private room's invite, for the user to hand on (issue 25). */
  roomInvite(request: RoomRef): string
  /** Keeps a private room's invite beside the seed, or forgets it; whether it is kept. */
  keepRoom(request: KeepRoomRequest): boolean
  /** The kept private rooms (their invites by roomInvite). */
  keptRooms(request: undefined): RoomRef[]
  redial(request: undefined): null
  exportPhrase(request: undefined): string
  importPhrase(request: PhraseImport): null
  /** Links a space's DID (replacing its link); the account. */
  linkWallet(request: { space: string; link: WalletLink }): string
  /** Ends the space's link if it was made for the site `domain` (another site's stays). */
  unlinkWallet(request: { space: string; domain: string }): null
}

export type HostMethod = keyof HostMethods
export type HostArg<K extends HostMethod> = Parameters<HostMethods[K]>[0]
export type HostResult<K extends HostMethod> = ReturnType<HostMethods[K]>

/** Every method: the router's and pages' own, then the popup's (popup-request-names.ts). */
export const HOST_METHODS = [
  'call',
  'did',
  'release',
  'applySettings',
  'linkWallet',
  'unlinkWallet',
  ...POPUP_HOST_REQUEST_NAMES,
] as const satisfies readonly HostMethod[]

/** Fails to compile when a popup request (manage-requests.ts) has no host method of its name. */
export const EVERY_POPUP_REQUEST_SERVED: [Exclude<PopupHostRequest, HostMethod>] extends [never]
  ? true
  : never = true

/** Fails to compile when a method is added to HostMethods but not to HOST_METHODS. */
export const EVERY_HOST_METHOD_LISTED: [
  Exclude<HostMethod, (typeof HOST_METHODS)[number]>,
] extends [never]
  ? true
  : never = true

export function isHostMethod(value: unknown): value is HostMethod {
  return typeof value === 'string' && (HOST_METHODS as readonly string[]).includes(value)
}

/**
 * Calls a host that is not running would only start it for nothing: a host started later
 * holds nothing to release and reads the settings itself. Clients answer these at once.
 */
export const ONLY_IF_RUNNING: ReadonlySet<HostMethod> = new Set(['release', 'applySettings'])

/** One call on the wire: the method's name, as declared above, and its argument. */
export interface HostInvocation {
  method: HostMethod
  arg: unknown
}

/** The host as a caller reaches it: every method answers an Outcome, never throws. */
export type HostClient = {
  [K in HostMethod]: (...arg: ArgOf<K>) => Promise<Outcome<HostResult<K>>>
}

/** A method whose argument is `undefined` is called without one. */
export type ArgOf<K extends HostMethod> = HostArg<K> extends undefined ? [] : [arg: HostArg<K>]

/** The host as it serves: every method resolves to its result or throws a named error. */
export type HostEndpoint = {
  [K in HostMethod]: (arg: HostArg<K>) => Promise<HostResult<K>>
}

/** A client from one generic call: how each hop's proxy or adapter is built. */
export function hostClient(
  invoke: (method: HostMethod, arg: unknown) => Promise<Outcome<unknown>>,
): HostClient {
  return Object.fromEntries(
    HOST_METHODS.map((method) => [method, (arg: unknown) => invoke(method, arg)]),
  ) as HostClient
}
