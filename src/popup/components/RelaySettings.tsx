/**
 * Relay addresses, one multiaddr per line, and whether sites may name relays on this
 * computer or network; checked by the router and applied at once.
 */
import { useState } from 'preact/hooks'
import type { Settings } from '../../shared/settings.js'

export function RelaySettings({
  settings,
  onSave,
}: {
  settings: Settings | undefined
  onSave: (text: string, localSiteRelays: boolean) => Promise<string | undefined>
}) {
  const [text, setText] = useState<string | undefined>(undefined)
  const [local, setLocal] = useState<boolean | undefined>(undefined)
  const [message, setMessage] = useState<{ error: boolean; text: string } | undefined>()
  if (settings === undefined) return <p>Loading…</p>
  const shown = text ?? settings.relays.join('\n')
  const localShown = local ?? settings.localSiteRelays
  return (
    <form
      class="relays"
      onSubmit={async (event) => {
        event.preventDefault()
        const error = await onSave(shown, localShown)
        setMessage(
          error === undefined
            ? { error: false, text: 'Saved and applied.' }
            : { error: true, text: error },
        )
      }}
    >
      <label for="relays">Relay addresses (one multiaddr per line)</label>
      <textarea
        id="relays"
        rows={4}
        value={shown}
        onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
      />
      <label class="check">
        <input
          type="checkbox"
          checked={localShown}
          onChange={(event) => setLocal((event.target as HTMLInputElement).checked)}
        />
        Sites may name relays on this computer or network (for developers)
      </label>
      <button type="submit">Save relays</button>
      {message && (
        <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </form>
  )
}
