/**
 * How the router reaches the host. In Chrome the host is an offscreen document and every
 * call is a message; in Firefox it lives in the same background page and calls are direct.
 * The router does not care which.
 */
import type { Outcome } from '../shared/errors.js'
import type {
  PhraseImport,
  PopupPost,
  RoomRef,
  RoomViewRequest,
} from '../shared/manage-requests.js'
import type { HostCall, HostStatus } from '../shared/messengers.js'
import type { OwnerSelector } from '../shared/owner.js'
import type { RoomView } from '../shared/room-view.js'
import type { Settings } from '../shared/settings.js'

export interface HostApi {
  call(call: HostCall): Promise<Outcome>
  did(space: string): Promise<Outcome<string>>
  /** Reaches a running host only: a host that is not running holds nothing to release. */
  release(selector: OwnerSelector): Promise<void>
  /** Reaches a running host only: a host started later reads the settings itself. */
  applySettings(settings: Settings): Promise<void>
  status(): Promise<Outcome<HostStatus>>
  room(request: RoomViewRequest): Promise<Outcome<RoomView>>
  post(request: PopupPost): Promise<Outcome<string>>
  leave(request: RoomRef): Promise<Outcome<number>>
  redial(): Promise<Outcome<null>>
  exportPhrase(): Promise<Outcome<string>>
  importPhrase(request: PhraseImport): Promise<Outcome<null>>
  /** Starts the host; on install this creates the identity. */
  wake(): Promise<void>
}
