export const PAGE_PORT_PREFIX = 'ghost-threads-page/'
/** A page's event port to the host (Chrome's offscreen document). */
export const EVENTS_PORT_PREFIX = 'ghost-threads-events/'
export const SESSION_PATTERN = /^[0-9a-f]{24}$/
