/**
 * The prompt window: asks the router what is pending, shows it, and reports the click;
 * the window closes once the decision is taken.
 */

import { useEffect, useState } from 'preact/hooks'
import { type PromptDetails, promptMessenger } from '../shared/messengers.js'
import { PermissionPrompt } from '../ui/PermissionPrompt.js'
import { KEEP_ALIVE_MS } from './constants.js'

/** `search`: the window's query, naming the pending request (`?request=<id>`). */
export function PromptWindow({ search }: { search: string }) {
  const requestId = new URLSearchParams(search).get('request') ?? ''
  const [details, setDetails] = useState<PromptDetails | null | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    const load = () =>
      promptMessenger
        .sendMessage('prompt:details', { id: requestId })
        .then(setDetails, () => setDetails(null))
    void load()
    const timer = setInterval(load, KEEP_ALIVE_MS)
    return () => clearInterval(timer)
  }, [])
  const decide = async (allow: boolean) => {
    setBusy(true)
    const waiting = await promptMessenger
      .sendMessage('prompt:decide', { id: requestId, allow })
      .catch(() => false)
    if (waiting) window.close()
    else setDetails(null)
  }
  return <PermissionPrompt details={details} onDecide={(allow) => void decide(allow)} busy={busy} />
}
