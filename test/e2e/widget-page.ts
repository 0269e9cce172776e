/**
 * What the browser tests do inside a page's `<ghost-chat>` where no Playwright locator
 * reaches (Firefox over BiDi, WebKit over WebDriver): functions sent to the page whole,
 * so each names everything it uses.
 */

/** Types `message` into the widget's field and sends it, as a person pressing Enter would. */
export function sendInWidget(message: string): void {
  const root = document.querySelector('ghost-chat')?.shadowRoot
  const input = root?.querySelector<HTMLInputElement>('input[aria-label="Message"]')
  if (input === null || input === undefined) throw new Error('no message field in the widget')
  input.value = message
  input.dispatchEvent(new Event('input', { bubbles: true }))
  root?.querySelector<HTMLFormElement>('form.composer')?.requestSubmit()
}

/** Presses the widget's Join button; whether there was one. */
export function pressJoin(): boolean {
  const join = document
    .querySelector('ghost-chat')
    ?.shadowRoot?.querySelector<HTMLButtonElement>('button.join')
  join?.click()
  return join !== null && join !== undefined
}
