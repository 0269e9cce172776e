/**
 * The user's identity: the DID each space sees, and the master seed as a recovery phrase.
 * Showing the phrase and replacing the identity each take a second, deliberate click.
 */
import { useState } from 'preact/hooks'
import type { Outcome } from '../../shared/errors.js'
import { DidLabel } from '../../ui/DidLabel.js'

type Step =
  | { kind: 'idle' }
  | { kind: 'confirm-export' }
  | { kind: 'shown'; words: string[] }
  | { kind: 'import'; text: string }
  | { kind: 'confirm-import'; text: string }

export function IdentitySettings({
  identities,
  onExport,
  onImport,
}: {
  identities: { space: string; did: string }[]
  onExport: () => Promise<Outcome<string>>
  onImport: (phrase: string) => Promise<string | undefined>
}) {
  const [step, setStep] = useState<Step>({ kind: 'idle' })
  const [message, setMessage] = useState<{ error: boolean; text: string } | undefined>()
  const reveal = async () => {
    const outcome = await onExport()
    if (outcome.ok) setStep({ kind: 'shown', words: outcome.result.split(' ') })
    else setMessage({ error: true, text: outcome.error.message })
  }
  const replace = async (text: string) => {
    const failure = await onImport(text)
    if (failure === undefined) {
      setStep({ kind: 'idle' })
      setMessage({ error: false, text: 'Identity replaced. Pages must join their rooms again.' })
    } else {
      setStep({ kind: 'import', text })
      setMessage({ error: true, text: failure })
    }
  }
  return (
    <div class="identity">
      {identities.length === 0 ? (
        <p class="empty">No space allowed yet: a DID appears here for each space a site uses.</p>
      ) : (
        <ul class="identities" aria-label="your DID per space">
          {identities.map(({ space, did }) => (
            <li key={space}>
              <span class="space">{space}</span>
              <DidLabel did={did} />
            </li>
          ))}
        </ul>
      )}
      {step.kind === 'idle' && (
        <div class="actions">
          <button type="button" onClick={() => setStep({ kind: 'confirm-export' })}>
            Show recovery phrase
          </button>
          <button type="button" onClick={() => setStep({ kind: 'import', text: '' })}>
            Import a recovery phrase
          </button>
        </div>
      )}
      {step.kind === 'confirm-export' && (
        <div class="confirm-box" role="alertdialog" aria-label="Show the recovery phrase?">
          <p>
            Anyone who sees these 24 words can chat as you in every space. Show them only where
            nobody is watching.
          </p>
          <button type="button" class="danger" onClick={() => void reveal()}>
            Show the words
          </button>
          <button type="button" onClick={() => setStep({ kind: 'idle' })}>
            Cancel
          </button>
        </div>
      )}
      {step.kind === 'shown' && (
        <div class="phrase-box">
          <ol class="phrase" aria-label="recovery phrase">
            {step.words.map((word, i) => (
              // A word can repeat: its place is its identity.
              <li key={`${i} ${word}`}>{word}</li>
            ))}
          </ol>
          <button type="button" onClick={() => setStep({ kind: 'idle' })}>
            Hide
          </button>
        </div>
      )}
      {(step.kind === 'import' || step.kind === 'confirm-import') && (
        <form
          class="import"
          onSubmit={(event) => {
            event.preventDefault()
            setMessage(undefined)
            setStep({ kind: 'confirm-import', text: step.text })
          }}
        >
          <label for="phrase">Recovery phrase (24 words)</label>
          <textarea
            id="phrase"
            rows={3}
            autocomplete="off"
            spellcheck={false}
            value={step.text}
            disabled={step.kind === 'confirm-import'}
            onInput={(event) =>
              setStep({ kind: 'import', text: (event.target as HTMLTextAreaElement).value })
            }
          />
          {step.kind === 'import' ? (
            <span class="actions">
              <button type="submit" disabled={step.text.trim() === ''}>
                Import
              </button>
              <button type="button" onClick={() => setStep({ kind: 'idle' })}>
                Cancel
              </button>
            </span>
          ) : (
            <div class="confirm-box" role="alertdialog" aria-label="Replace your identity?">
              <p>
                This replaces your identity in every space. Open rooms close, and without the
                current phrase the current identity is gone for good.
              </p>
              <button type="button" class="danger" onClick={() => void replace(step.text)}>
                Replace my identity
              </button>
              <button type="button" onClick={() => setStep({ kind: 'import', text: step.text })}>
                Back
              </button>
            </div>
          )}
        </form>
      )}
      {message !== undefined && (
        <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </div>
  )
}
