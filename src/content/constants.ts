/** The tuning numbers of src/content, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// router-port.ts
/** After the router's port broke (Chrome stopped its idle service worker): soon, it wakes on the dial. */
export const ROUTER_RECONNECT_MS = 100

// host-link.ts
/** After the host's port broke (its offscreen document is being made again): a moment to let it load. */
export const HOST_RECONNECT_MS = 500
