/**
 * Writes to the room as the user's DID for its space, the same identity the pages use.
 * Enter sends, Shift+Enter starts a new line; a refused post keeps its text and says why.
 */
import { useEffect, useRef, useState } from 'preact/hooks'

export function Composer({
  onSend,
  onType,
  disabled,
}: {
  onSend: (text: string) => Promise<string | undefined>
  /** Every keystroke: the room hears the user is typing (the store paces it). */
  onType?: () => void
  disabled?: boolean
}) {
  const [text, setText] = useState('')
  const [sending, setSending] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const box = useRef<HTMLTextAreaElement>(null)
  // The room just opened (or loaded): keyboard users can type at once; Esc goes back.
  useEffect(() => {
    if (!disabled) box.current?.focus()
  }, [disabled])
  const send = async () => {
    if (text.trim() === '' || sending) return
    setSending(true)
    const failure = await onSend(text)
    setSending(false)
    setError(failure)
    if (failure === undefined) setText('')
  }
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault()
        void send()
      }}
    >
      <textarea
        aria-label="Message"
        placeholder="Message the room (Enter sends)"
        rows={2}
        ref={box}
        value={text}
        disabled={disabled}
        onInput={(event) => {
          const next = (event.target as HTMLTextAreaElement).value
          setText(next)
          if (next !== '') onType?.()
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault()
            void send()
          }
        }}
      />
      <button type="submit" disabled={disabled || sending || text.trim() === ''}>
        Send
      </button>
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}
