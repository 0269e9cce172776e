/** Long-lived ports from content gates to the router: their name carries the page's session. */
export const PAGE_PORT_PREFIX = 'ghost-threads-page/'
/** A page's event port to the host (Chrome's offscreen document). */
export const EVENTS_PORT_PREFIX = 'ghost-threads-events/'
/** Firefox suspends an idle background page after ~30 s even with live connections. */
export const PORT_PING_MS = 20_000
export const SESSION_PATTERN = /^[0-9a-f]{24}$/
