/**
 * Writing a message: to everyone or to one member (a direct message); Enter sends. The
 * field clears at once, so the next message can be typed while this one goes; a message
 * that was not sent comes back into the field, with why.
 */
import { useRef, useState } from 'preact/hooks'
import type { LinkedMember } from '../core/link-scope.js'
import { type AccountNames, nameOf, notSentWords } from './widget-words.js'

export function WidgetComposer({
  members,
  you,
  names,
  onSend,
  onType,
}: {
  members: readonly LinkedMember[]
  you: string | undefined
  names: AccountNames
  onSend: (text: string, to?: string) => Promise<unknown>
  /** Every keystroke in a message to everyone (the room hears someone is typing). */
  onType: () => void
}) {
  const field = useRef<HTMLInputElement>(null)
  const [empty, setEmpty] = useState(true)
  const [to, setTo] = useState('')
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const others = members.filter((member) => member.did !== you)
  const target = others.some((member) => member.did === to) ? to : ''
  const submit = async (event: Event) => {
    event.preventDefault()
    const input = field.current
    // Read from the field itself: a render may not have caught up with the last keystroke.
    const text = input?.value ?? ''
    if (input === null || text.trim() === '') return
    input.value = ''
    setEmpty(true)
    try {
      await onSend(text, target === '' ? undefined : target)
      setProblem(undefined)
    } catch (err) {
      if (input.value === '') {
        input.value = text
        setEmpty(false)
      }
      setProblem(notSentWords(err))
    }
  }
  return (
    <form class="composer" onSubmit={submit}>
      <select
        aria-label="Send to"
        value={target}
        onChange={(event) => setTo((event.target as HTMLSelectElement).value)}
      >
        <option value="">everyone</option>
        {others.map((member) => (
          <option key={member.did} value={member.did}>
            {nameOf(member.did, members, names)}
          </option>
        ))}
      </select>
      <input
        ref={field}
        aria-label="Message"
        placeholder={target === '' ? 'Say something' : 'A direct message'}
        autocomplete="off"
        maxLength={2000}
        onInput={(event) => {
          const text = (event.target as HTMLInputElement).value
          setEmpty(text.trim() === '')
          // A direct message is nobody else's business: the room is not told of it.
          if (text !== '' && target === '') onType()
        }}
      />
      <button type="submit" disabled={empty}>
        Send
      </button>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  )
}
