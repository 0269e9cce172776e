/**
 * The popup's state: one small store of signals, filled from the router over the typed
 * `manage:*` contract. Components read signals and call the actions; nothing here knows
 * about `chrome`, so tests give the store a fake API.
 */
import { signal } from '@preact/signals'
import type { Outcome } from '../shared/errors.js'
import type { HostStatus } from '../shared/messengers.js'
import type { PermissionEntry } from '../shared/permission-entry.js'
import type { Settings } from '../shared/settings.js'

export interface PopupApi {
  status(): Promise<Outcome<HostStatus>>
  permissions(): Promise<Outcome<PermissionEntry[]>>
  revoke(origin: string, space: string): Promise<Outcome<null>>
  settings(): Promise<Outcome<Settings>>
  saveSettings(settings: Settings): Promise<Outcome<Settings>>
}

export type PopupStore = ReturnType<typeof createPopupStore>

export function createPopupStore(api: PopupApi) {
  const status = signal<HostStatus | undefined>(undefined)
  const statusError = signal<string | undefined>(undefined)
  const permissions = signal<PermissionEntry[]>([])
  const settings = signal<Settings | undefined>(undefined)

  async function refresh(): Promise<void> {
    const [nextStatus, nextPermissions] = await Promise.all([api.status(), api.permissions()])
    if (nextStatus.ok) {
      status.value = nextStatus.result
      statusError.value = undefined
    } else statusError.value = nextStatus.error.message
    if (nextPermissions.ok) permissions.value = nextPermissions.result
  }

  async function loadSettings(): Promise<void> {
    const outcome = await api.settings()
    if (outcome.ok) settings.value = outcome.result
  }

  /** Saves relay addresses typed one per line; resolves to an error message, or undefined. */
  async function saveRelays(text: string): Promise<string | undefined> {
    const relays = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
    const current = settings.value
    if (current === undefined) return 'Settings are still loading; try again in a moment'
    const outcome = await api.saveSettings({ ...current, relays })
    if (!outcome.ok) return outcome.error.message
    settings.value = outcome.result
    return undefined
  }

  async function revoke(origin: string, space: string): Promise<void> {
    await api.revoke(origin, space)
    await refresh()
  }

  return { status, statusError, permissions, settings, refresh, loadSettings, saveRelays, revoke }
}
