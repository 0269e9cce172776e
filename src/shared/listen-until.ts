import type { EventEmitter } from 'eventemitter3'

/**
 * Listens to `event` until `signal` aborts: one AbortController ends every listener of a
 * feature at once (refined-github's `init(signal)`), instead of on/off lists kept in
 * pairs by hand.
 */
export function listenUntil<
  Events extends EventEmitter.ValidEventTypes,
  E extends EventEmitter.EventNames<Events>,
>(
  emitter: EventEmitter<Events>,
  event: E,
  listener: EventEmitter.EventListener<Events, E>,
  signal: AbortSignal,
): void {
  if (signal.aborted) return
  emitter.on(event, listener)
  signal.addEventListener('abort', () => emitter.off(event, listener), { once: true })
}
