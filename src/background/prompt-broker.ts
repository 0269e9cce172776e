/**
 * Permission prompts: one small window per undecided (origin, space), like a wallet's
 * connect prompt. Two tabs asking at once share the window and the answer. Closing the
 * window without a choice is a refusal for now, not a decision kept for later.
 *
 * A site gets one prompt at a time (asking for another space meanwhile is answered
 * `busy`), and a prompt the user closed counts as a refusal for PROMPT_DISMISSED_MS: 30
 * `openSpace` calls used to open 30 windows, and a page could reopen a closed one forever.
 */

import type { PromptDetails } from '../shared/messengers.js'
import { PROMPT_DISMISSED_MS } from './constants.js'

export type PromptAnswer = 'allow' | 'deny' | 'dismissed' | 'busy'

export interface PromptWindows {
  /** Opens the prompt page; resolves to its window id. */
  open(url: string): Promise<number | undefined>
  close(windowId: number): Promise<void>
}

interface PendingPrompt {
  id: string
  details: PromptDetails
  windowId: number | undefined
  answer: Promise<PromptAnswer>
  settle: (answer: PromptAnswer) => void
}

export const PROMPT_PAGE = 'prompt.html'

export class PromptBroker {
  private readonly pending = new Map<string, PendingPrompt>()
  /** `origin space` → when the user last closed its prompt without choosing. */
  private readonly dismissed = new Map<string, number>()

  constructor(
    private readonly windows: PromptWindows,
    private readonly pageUrl: (path: string) => string,
    private readonly now: () => number = Date.now,
  ) {}

  ask(details: PromptDetails): Promise<PromptAnswer> {
    const sameSite = [...this.pending.values()].filter(
      (prompt) => prompt.details.origin === details.origin,
    )
    const existing = sameSite.find((prompt) => prompt.details.space === details.space)
    if (existing !== undefined) return existing.answer
    if (sameSite.length > 0) return Promise.resolve('busy')
    const closedAt = this.dismissed.get(keyOf(details))
    if (closedAt !== undefined && this.now() - closedAt < PROMPT_DISMISSED_MS)
      return Promise.resolve('dismissed')
    const id = crypto.randomUUID()
    let resolve: (answer: PromptAnswer) => void = () => {}
    const promise = new Promise<PromptAnswer>((settle) => {
      resolve = settle
    })
    const prompt: PendingPrompt = {
      id,
      details,
      windowId: undefined,
      answer: promise,
      settle: resolve,
    }
    this.pending.set(id, prompt)
    this.windows.open(this.pageUrl(`${PROMPT_PAGE}?request=${id}`)).then(
      (windowId) => {
        prompt.windowId = windowId
      },
      () => this.finish(id, 'dismissed'),
    )
    return promise
  }

  details(id: string): PromptDetails | null {
    return this.pending.get(id)?.details ?? null
  }

  /** The user's click; false when the request is no longer waiting (answered, or the router restarted). */
  decide(id: string, allow: boolean): boolean {
    const prompt = this.pending.get(id)
    if (prompt === undefined) return false
    this.finish(id, allow ? 'allow' : 'deny')
    if (prompt.windowId !== undefined)
      void this.windows.close(prompt.windowId).catch(() => undefined)
    return true
  }

  windowClosed(windowId: number): void {
    for (const prompt of this.pending.values())
      if (prompt.windowId === windowId) this.finish(prompt.id, 'dismissed')
  }

  private finish(id: string, answer: PromptAnswer): void {
    const prompt = this.pending.get(id)
    if (prompt === undefined) return
    this.pending.delete(id)
    const key = keyOf(prompt.details)
    if (answer === 'dismissed') this.dismissed.set(key, this.now())
    else this.dismissed.delete(key)
    for (const [stale, atMs] of this.dismissed)
      if (this.now() - atMs >= PROMPT_DISMISSED_MS) this.dismissed.delete(stale)
    prompt.settle(answer)
  }
}

function keyOf(details: PromptDetails): string {
  return `${details.origin} ${details.space}`
}
