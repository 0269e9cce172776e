import type { ComponentLogger, Logger } from '@libp2p/interface'

/**
 * Loggers for libp2p that do nothing. libp2p's own (debug-style, shown only when `DEBUG`
 * names them) cost even when off: every connection and stream makes a new scope, which
 * builds a logger and asks the terminal about colours; 3% of a relay's CPU while 600
 * members joined, 1.7% while a room talked. A relay started with `DEBUG` set keeps them.
 */
export const silentLogger: ComponentLogger = { forComponent: () => silent }

const nothing = (): void => {}
const silent: Logger = Object.assign(nothing.bind(undefined), {
  error: nothing,
  trace: nothing,
  enabled: false,
  newScope: (): Logger => silent,
})
