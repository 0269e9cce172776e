/** Relay addresses, one multiaddr per line; checked by the router and applied at once. */
import { useState } from 'preact/hooks'
import type { Settings } from '../../shared/settings.js'

export function RelaySettings({
  settings,
  onSave,
}: {
  settings: Settings | undefined
  onSave: (text: string) => Promise<string | undefined>
}) {
  const [text, setText] = useState<string | undefined>(undefined)
  const [message, setMessage] = useState<{ error: boolean; text: string } | undefined>()
  if (settings === undefined) return <p>Loading…</p>
  const shown = text ?? settings.relays.join('\n')
  return (
    <form
      class="relays"
      onSubmit={async (event) => {
        event.preventDefault()
        const error = await onSave(shown)
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
      <button type="submit">Save relays</button>
      {message && (
        <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </form>
  )
}
