/**
 * Wires a context's handler map to @webext-core/messaging: one listener per message name.
 * Handlers get the data and the browser's sender record; a handler that throws makes the
 * caller's sendMessage reject (the messaging library carries the error).
 */
import { defineExtensionMessaging } from '@webext-core/messaging'

type AnyHandler = (data: never, sender: chrome.runtime.MessageSender) => Promise<unknown> | unknown

const messenger = defineExtensionMessaging<Record<string, (data: unknown) => unknown>>()

export function registerHandlers(handlers: Record<string, AnyHandler>): void {
  for (const [type, handler] of Object.entries(handlers)) {
    messenger.onMessage(type, ({ data, sender }) =>
      (handler as (data: unknown, sender: chrome.runtime.MessageSender) => unknown)(data, sender),
    )
  }
}
